import pytest
from django.test import Client
from django.urls import reverse

from najiz.accounts.models import NafathChallenge

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def person(db):
    from tests.factories.registries import PersonFactory

    return PersonFactory(alive=True, name_ar="سارة أحمد العتيبي", name_en="Sarah Ahmed Alotaibi",
                         email="sarah@example.sa", phone="0551234567")


@pytest.fixture
def phone():
    """A second browser standing in for the person's phone running the Nafath app."""
    return Client()


def start(client, national_id, next_url=None):
    url = reverse("accounts:login")
    data = {"national_id": national_id}
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data)


def latest_challenge(national_id) -> NafathChallenge:
    return NafathChallenge.objects.filter(national_id=national_id).latest("created_at", "pk")


def answer(phone, challenge, number):
    return phone.post(reverse("nafath:answer", args=[challenge.pk]), {"number": number})


def wrong_number(challenge) -> int:
    return 10 if challenge.number != 10 else 11


def poll(client):
    return client.get(reverse("accounts:nafath_status"), **HX)


def fail_once(client, phone, national_id):
    """One whole attempt ending in a wrong number."""
    response = start(client, national_id)
    assert response.status_code == 302, response.content.decode()[:2000]
    challenge = latest_challenge(national_id)
    answer(phone, challenge, wrong_number(challenge))
    poll(client)
    challenge.refresh_from_db()
    assert challenge.status == NafathChallenge.Status.REJECTED
    return challenge
