"""/metrics answers only the operators' scraper: a bearer token and/or an allowed network."""

import pytest

from tests.factories.accounts import StaffUserFactory

pytestmark = pytest.mark.django_db
TOKEN = "scraper-token-0123456789"


def get(client, token=None, address="127.0.0.1", **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get("/metrics", REMOTE_ADDR=address, **headers)


def test_nobody_reads_metrics_until_an_operator_setting_is_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert get(client).status_code == 404
    assert get(client, token="").status_code == 404
    client.force_login(StaffUserFactory(is_superuser=True))  # not even an administrator's session
    assert get(client).status_code == 404


def test_the_token_is_needed_and_must_match(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    assert get(client, token=TOKEN).status_code == 200
    refused = [
        get(client),
        get(client, token="wrong"),
        get(client, token=TOKEN[:-1]),
        get(client, token=TOKEN + "x"),
        get(client, HTTP_AUTHORIZATION=f"Basic {TOKEN}"),
        get(client, HTTP_AUTHORIZATION=TOKEN),
        client.get(f"/metrics?token={TOKEN}"),
    ]
    assert [response.status_code for response in refused] == [404] * len(refused)
    assert b"najiz_" not in refused[1].content


def test_an_allowed_network_lets_its_addresses_in(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["10.20.0.0/16", "2001:db8::/32"]
    assert get(client, address="10.20.3.4").status_code == 200
    assert get(client, address="2001:db8:1:2::5").status_code == 200
    assert get(client, address="10.21.0.1").status_code == 404
    assert get(client, address="2001:db9::5").status_code == 404
    assert get(client, address="127.0.0.1").status_code == 404


def test_a_forged_forwarded_for_does_not_open_the_network(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["10.20.0.0/16"]
    settings.TRUSTED_PROXY_COUNT = 0
    assert get(client, address="192.0.2.7", HTTP_X_FORWARDED_FOR="10.20.3.4").status_code == 404
    settings.TRUSTED_PROXY_COUNT = 1  # behind one proxy: the address it appended counts, not the client's own
    assert get(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR="10.20.3.4, 192.0.2.7").status_code == 404
    assert get(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7, 10.20.3.4").status_code == 200


def test_with_both_set_both_must_hold(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, ["10.20.0.0/16"]
    assert get(client, token=TOKEN, address="10.20.3.4").status_code == 200
    assert get(client, token=TOKEN, address="192.0.2.7").status_code == 404
    assert get(client, address="10.20.3.4").status_code == 404
    assert get(client, token="wrong", address="10.20.3.4").status_code == 404


def test_only_get(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405
