"""The client's address through the proxies the deployment trusts (and no others)."""

import pytest
from django.test import RequestFactory, override_settings

from firstline.common.client import client_address


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_with_no_trusted_proxy_the_header_is_ignored():
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(FIRSTLINE_TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::1"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # one trusted proxy
        ("10.0.0.2", "198.51.100.1, 10.1.1.1", "198.51.100.1"),  # two trusted proxies in a row
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote itself is not believed
        (
            "203.0.113.7",
            "198.51.100.1",
            "203.0.113.7",
        ),  # not through a trusted proxy: the header is the client's
        ("2001:db8::1", "[2001:db8::77]:51234", "2001:db8::77"),
        ("10.0.0.2", "198.51.100.1:4431", "198.51.100.1"),
        ("::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),  # an IPv4 proxy seen on a dual-stack socket
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # garbage: the last real address stands
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_x_forwarded_for_is_walked_from_the_right_through_trusted_proxies(remote, forwarded, client):
    assert client_address(_request(remote, forwarded)) == client


def test_no_address_at_all():
    assert client_address(_request("")) == ""
