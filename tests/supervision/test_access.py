"""Who sees what: judges see only their circuits' decisions; anything else is a 404."""

import pytest
from django.urls import reverse

from najiz.casefile.models import Decision
from tests.factories.accounts import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit_of(request):
    return Decision.objects.get(case_id=request.pk, step="audit")


def test_non_staff_go_to_the_staff_login(client, rejected):
    client.force_login(UserFactory())
    for url in (reverse("supervision:queue"), reverse("supervision:decision", args=[audit_of(rejected).pk]),
                reverse("supervision:statistics")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:staff_login"))
    client.logout()
    assert client.get(reverse("supervision:queue"))["Location"].startswith(reverse("accounts:staff_login"))


def test_the_judge_sees_their_circuits_decisions(judge_client, rejected):
    decision = audit_of(rejected)
    response = judge_client.get(reverse("supervision:queue"))
    assert response.status_code == 200
    assert rejected.number in response.content.decode()
    assert judge_client.get(reverse("supervision:decision", args=[decision.pk])).status_code == 200


def test_another_circuits_judge_gets_404(client, other_judge, rejected):
    decision = audit_of(rejected)
    client.force_login(other_judge)
    assert rejected.number not in client.get(reverse("supervision:queue")).content.decode()
    assert client.get(reverse("supervision:decision", args=[decision.pk])).status_code == 404
    assert client.get(reverse("supervision:replay", args=[decision.pk])).status_code == 404
    response = client.post(reverse("supervision:act", args=[decision.pk, "reverse"]), {"reason": "سبب كاف للنقض"})
    assert response.status_code == 404
    assert Decision.objects.get(pk=decision.pk).review_state == "pending"
    assert client.get(reverse("supervision:decision", args=[999999])).status_code == 404


def test_staff_without_the_judges_group_see_nothing(client, circuits, rejected):
    staff = StaffUserFactory()
    circuits["jeddah-1"].judges.add(staff)  # assigned, but not a judge
    client.force_login(staff)
    assert rejected.number not in client.get(reverse("supervision:queue")).content.decode()
    assert client.get(reverse("supervision:decision", args=[audit_of(rejected).pk])).status_code == 404


def test_a_notary_does_not_see_enforcement_decisions(client, notary, rejected):
    client.force_login(notary)
    assert client.get(reverse("supervision:decision", args=[audit_of(rejected).pk])).status_code == 404


def test_unknown_action_is_404(judge_client, rejected):
    url = reverse("supervision:act", args=[audit_of(rejected).pk, "delete"])
    assert judge_client.post(url, {"reason": "سبب كاف"}).status_code == 404


def test_conveyance_decisions_are_for_notaries_not_judges(judge, notary, rejected):
    from django.contrib.contenttypes.models import ContentType

    from supervision import selectors

    conveyance_type = ContentType.objects.filter(app_label="conveyance").first()
    if conveyance_type is None:
        pytest.skip("the conveyance app has no model yet")
    decision = Decision.objects.create(case_type=conveyance_type, case_id=1, step="eligibility", outcome="rejected",
                                       rules_version="1")
    assert list(selectors.reviewable(selectors.supervisor(notary))) == [decision]
    assert decision not in selectors.reviewable(selectors.supervisor(judge))
