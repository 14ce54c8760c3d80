import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from najiz.accounts import sessions
from najiz.accounts.context_processors import acting_as
from najiz.accounts.middleware import ActingAsMiddleware
from tests.factories.accounts import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def representative(person):
    from tests.factories.registries import EntityFactory

    entity = EntityFactory(name_ar="شركة الأمل للتجارة", name_en="Al Amal Trading", representatives=[person])
    user = UserFactory(national_id=person.national_id, name_ar=person.name_ar)
    return user, entity


def act(client, entity_value, next_url="/"):
    return client.post(reverse("accounts:act_as"), {"entity": entity_value, "next": next_url})


def test_acting_for_a_represented_entity(client, representative):
    user, entity = representative
    client.force_login(user)
    response = act(client, entity.cr_number, "/accounts/staff-login/")
    assert response.status_code == 302 and response["Location"] == "/accounts/staff-login/"
    assert client.session[sessions.ACTING_AS] == entity.cr_number

    page = client.get(reverse("accounts:staff_login"))
    assert page.wsgi_request.acting_entity == entity
    assert page.context["acting_entity"] == entity
    assert list(page.context["acting_choices"]) == [entity]

    back = act(client, "")
    assert back.status_code == 302
    assert sessions.ACTING_AS not in client.session
    assert client.get(reverse("accounts:staff_login")).wsgi_request.acting_entity is None


def test_arabic_indic_cr_numbers_are_accepted(client, representative):
    user, entity = representative
    client.force_login(user)
    act(client, entity.cr_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    assert client.session[sessions.ACTING_AS] == entity.cr_number


def test_acting_for_an_entity_one_does_not_represent_is_forbidden(client, person):
    from tests.factories.registries import EntityFactory

    client.force_login(UserFactory(national_id=person.national_id))
    response = act(client, EntityFactory().cr_number)
    assert response.status_code == 403
    assert escape(gettext("You are not registered as a representative of this entity.")) in response.content.decode()
    assert sessions.ACTING_AS not in client.session


@pytest.mark.parametrize("value", ["7999999999", "abc", "1" * 500, "' OR 1=1 --"])
def test_acting_for_an_unknown_entity_is_404(client, person, value):
    client.force_login(UserFactory(national_id=person.national_id))
    response = act(client, value)
    assert response.status_code in (400, 404)
    assert sessions.ACTING_AS not in client.session


def test_act_as_needs_sign_in_and_post(client, representative):
    _, entity = representative
    response = act(client, entity.cr_number)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(representative[0])
    assert client.get(reverse("accounts:act_as")).status_code == 405


def test_act_as_next_cannot_leave_the_site(client, representative):
    user, entity = representative
    client.force_login(user)
    assert act(client, entity.cr_number, "https://evil.example/")["Location"] == reverse("home")


def test_representation_is_checked_again_on_every_request(client, representative):
    from najiz.registries.models import Representation

    user, entity = representative
    client.force_login(user)
    act(client, entity.cr_number)
    Representation.objects.filter(entity=entity).delete()
    page = client.get(reverse("accounts:staff_login"))
    assert page.wsgi_request.acting_entity is None
    assert sessions.ACTING_AS not in client.session


def test_the_switch_is_shown_only_to_representatives(client, representative, person):
    user, entity = representative
    client.force_login(user)
    page = client.get(reverse("accounts:staff_login")).content.decode()
    assert f'action="{reverse("accounts:act_as")}"' in page
    assert f'value="{entity.cr_number}"' in page and entity.name_ar in page

    client.force_login(UserFactory())
    assert f'action="{reverse("accounts:act_as")}"' not in client.get(reverse("accounts:staff_login")).content.decode()


def test_context_processor_costs_nothing_for_anonymous(rf, django_assert_num_queries):
    request = rf.get("/")
    request.user = AnonymousUser()
    request.acting_entity = None
    with django_assert_num_queries(0):
        assert acting_as(request) == {"acting_entity": None, "acting_choices": []}


def test_context_processor_is_cheap_for_a_person(rf, representative, django_assert_num_queries,
                                                 django_assert_max_num_queries):
    user, entity = representative
    request = rf.get("/")
    request.user = user
    request.acting_entity = None
    with django_assert_num_queries(1):  # the header's choices, the person matched in the same query
        context = acting_as(request)
        assert list(context["acting_choices"]) == [entity]
    with django_assert_max_num_queries(0):
        acting_as(request)  # the second call in the same request is free


def test_context_processor_for_staff_without_a_registry_record(rf, django_assert_max_num_queries):
    request = rf.get("/")
    request.user = StaffUserFactory()
    request.acting_entity = None
    with django_assert_max_num_queries(1):
        assert acting_as(request)["acting_choices"] == []


def test_middleware_does_nothing_without_a_choice(rf, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.session = {}
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        ActingAsMiddleware(lambda r: r)(request)
    assert request.acting_entity is None


def test_middleware_rechecks_with_few_queries(rf, representative, django_assert_max_num_queries):
    user, entity = representative
    request = rf.get("/")
    request.session = {sessions.ACTING_AS: entity.cr_number}
    request.user = user
    with django_assert_max_num_queries(3):
        ActingAsMiddleware(lambda r: r)(request)
    assert request.acting_entity == entity
    with django_assert_max_num_queries(1):
        context = acting_as(request)  # the person is already known: only their entities
    assert context["acting_entity"] == entity
