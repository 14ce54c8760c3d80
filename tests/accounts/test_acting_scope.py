"""Acting for an entity, a representative sees the entity's cases and none of their own; acting
for themselves, their own and none of the entity's: in enforcement, conveyance, e-notes and
invoices alike (najiz.accounts.parties). A case of the other side answers the portal's 404."""

import pytest
from django.urls import reverse

from demo import data as demo
from tests.factories import demo_cases as demo_world
from tests.factories.demo_cases import user

pytestmark = pytest.mark.django_db

LISTS = [
    "home", "enforcement:list", "enforcement:dashboard", "enforcement:against_me", "conveyance:list",
    "einstruments:list", "payments:invoice_list",
]


@pytest.fixture
def world(django_capture_on_commit_callbacks, travel):
    return demo_world.build(django_capture_on_commit_callbacks, travel)


def act_as(client, cr_number=""):
    assert client.post(reverse("accounts:act_as"), {"entity": cr_number}).status_code == 302


def lists_text(client) -> str:
    pages = [client.get(reverse(name)) for name in LISTS]
    pages.append(client.get(reverse("conveyance:list") + "?as=buyer"))
    assert all(page.status_code == 200 for page in pages)
    return " ".join(page.content.decode() for page in pages)


def test_acting_as_the_company_shows_its_cases_only_and_personally_one_s_own_only(client, world):
    personal, company = world["requests"][:3], world["requests"][3]
    own = [r.number for r in personal] + [world["conveyances"][0].number, world["note"].number]
    own_pages = [reverse("enforcement:detail", args=[r.number]) for r in personal] + [
        reverse("conveyance:detail", args=[world["conveyances"][0].number]),
        reverse("einstruments:detail", args=[world["note"].number]),
    ]
    client.force_login(user(demo.ABDULLAH))

    act_as(client, demo.OFUQ)
    text = lists_text(client)
    assert company.number in text
    assert [number for number in own if number in text] == []
    for url in own_pages:
        response = client.get(url)
        assert response.status_code == 404 and "الصفحة غير موجودة" in response.content.decode(), url
    assert client.get(reverse("enforcement:detail", args=[company.number])).status_code == 200

    act_as(client)
    text = lists_text(client)
    assert company.number not in text
    assert all(number in text for number in own)
    assert client.get(reverse("enforcement:detail", args=[company.number])).status_code == 404
    assert all(client.get(url).status_code == 200 for url in own_pages)


def test_a_banner_says_who_one_acts_for_with_a_way_back(client, world):
    client.force_login(user(demo.ABDULLAH))
    assert 'id="acting-banner"' not in client.get(reverse("home")).content.decode()
    act_as(client, demo.OFUQ)
    page = client.get(reverse("enforcement:list")).content.decode()
    assert 'id="acting-banner"' in page and "شركة الأفق للمقاولات المحدودة" in page and demo.OFUQ in page
    back = client.post(reverse("accounts:act_as"), {"entity": "", "next": reverse("home")})
    assert back.status_code == 302
    assert 'id="acting-banner"' not in client.get(reverse("enforcement:list")).content.decode()
