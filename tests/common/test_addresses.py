"""The client's address behind the configured number of reverse proxies."""

import pytest
from django.test import RequestFactory

from najiz.common.addresses import client_address


def request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="198.51.100.7")) == "10.0.0.5"


@pytest.mark.parametrize("forwarded", ["198.51.100.7", "1.2.3.4, 198.51.100.7", "127.0.0.1,1.2.3.4,  198.51.100.7"])
def test_behind_one_proxy_the_entry_it_added_is_the_client(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    # Entries left of the proxy's own are the client's to forge, so they are never read.
    assert client_address(request(forwarded=forwarded)) == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(forwarded="6.6.6.6, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "198.51.100.7\x00"])
def test_a_missing_or_malformed_header_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(forwarded=forwarded)) == "10.0.0.5"


def test_ipv6_clients_are_taken_by_their_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    first = client_address(request(remote="2001:db8:1:2::1"))
    second = client_address(request(remote="2001:db8:1:2:ffff:ffff:ffff:ffff"))
    assert first == second == "2001:db8:1:2::/64"
    assert client_address(request(remote="::ffff:198.51.100.7")) == "198.51.100.7"


def test_no_address_at_all(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(remote="")) == ""
