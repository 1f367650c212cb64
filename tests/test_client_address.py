"""The client address: what the outermost trusted proxy saw, never what the client says."""

import uuid

import pytest
from django.test import RequestFactory

from tests.factories import PASSWORD, UserFactory


def request_with(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        # No trusted proxy: the socket's address, whatever the header says.
        (0, "198.51.100.9", "1.2.3.4", "198.51.100.9"),
        (0, "198.51.100.9", None, "198.51.100.9"),
        # One proxy appends the address it saw; anything before it is the client's own words.
        (1, "10.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.1", "203.0.113.7", "203.0.113.7"),
        # Two proxies: the outer one's entry is second from the right.
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        # Fewer entries than proxies (a request that reached the app another way): the socket.
        (2, "10.0.0.2", "203.0.113.7", "10.0.0.2"),
        (1, "10.0.0.1", None, "10.0.0.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        # An entry that is not an address is not trusted either.
        (1, "10.0.0.1", "1.2.3.4, not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "1.2.3.4,2001:db8::1", "2001:db8::/64"),
    ],
)
def test_the_client_address_is_what_the_outermost_trusted_proxy_saw(settings, proxies, remote, forwarded, expected):
    from config.client_address import client_address

    settings.TRUSTED_PROXIES = proxies
    assert client_address(request_with(remote, forwarded)) == expected


def spoofed():
    """A fresh made-up X-Forwarded-For, as a client rotating it per request would send."""
    return "10.%d.%d.%d" % tuple(uuid.uuid4().bytes[:3])


@pytest.mark.django_db
def test_a_made_up_forwarded_for_does_not_escape_the_anonymous_throttle(api, settings):
    settings.TRUSTED_PROXIES = 0
    settings.THROTTLE_ANON = "5/minute"
    statuses = [api.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/", HTTP_X_FORWARDED_FOR=spoofed()).status_code
                for _ in range(8)]
    assert statuses == [404] * 5 + [429] * 3


@pytest.mark.django_db
def test_a_made_up_forwarded_for_does_not_escape_the_sign_in_lockout(api, settings):
    settings.TRUSTED_PROXIES = 0
    settings.THROTTLE_ANON = "1000/minute"
    UserFactory(email="lee@lambton.example")
    for index in range(20):
        api.post("/api/v1/auth/token/", {"email": "other%d@lambton.example" % index, "password": "guess"},
                 format="json", HTTP_X_FORWARDED_FOR=spoofed())
    # The address is locked out, so even the right password for another account is refused.
    response = api.post("/api/v1/auth/token/", {"email": "lee@lambton.example", "password": PASSWORD},
                        format="json", HTTP_X_FORWARDED_FOR=spoofed())
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_one_proxy_the_appended_address_counts_and_the_clients_prefix_does_not(api, settings):
    settings.TRUSTED_PROXIES = 1
    settings.THROTTLE_ANON = "5/minute"

    def ask(client_part, seen_by_proxy):
        return api.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/", REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR="%s, %s" % (client_part, seen_by_proxy)).status_code

    assert [ask(spoofed(), "203.0.113.7") for _ in range(6)] == [404] * 5 + [429]
    # Another client behind the same proxy has its own allowance.
    assert ask(spoofed(), "203.0.113.8") == 404


@pytest.mark.django_db
def test_behind_one_proxy_the_lockout_counts_the_appended_address(api, client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.THROTTLE_ANON = "1000/minute"
    target = UserFactory(email="lee@lambton.example")
    for index in range(5):
        client.post("/accounts/login/", {"username": "other%d@lambton.example" % index, "password": "guess"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="%s, 203.0.113.7" % spoofed())
    # The client behind 203.0.113.7 is locked out whatever it writes first...
    response = api.post("/api/v1/auth/token/", {"email": target.email, "password": PASSWORD}, format="json",
                        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="%s, 203.0.113.7" % spoofed())
    assert response.status_code == 429
    # ...and another client of the same proxy is not.
    response = api.post("/api/v1/auth/token/", {"email": target.email, "password": PASSWORD}, format="json",
                        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        # An IPv6 client counts as its /64: one subscriber's network, whose other 2**64 addresses
        # it may use at will.
        (0, "2001:db8:0:1:8a2e:370:7334:1", None, "2001:db8:0:1::/64"),
        (0, "2001:db8:0:1::2", None, "2001:db8:0:1::/64"),
        (0, "2001:db8:0:2::1", None, "2001:db8:0:2::/64"),
        (1, "10.0.0.1", "2001:DB8:0:1:ffff::9", "2001:db8:0:1::/64"),
        # An IPv4 client reaching an IPv6 socket (IPv4-mapped) is that IPv4 address.
        (0, "::ffff:203.0.113.7", None, "203.0.113.7"),
        (1, "10.0.0.1", "::ffff:203.0.113.7", "203.0.113.7"),
        (0, "203.0.113.7", None, "203.0.113.7"),
    ],
)
def test_an_ipv6_client_counts_as_its_64_network(settings, proxies, remote, forwarded, expected):
    from config.client_address import client_address

    settings.TRUSTED_PROXIES = proxies
    assert client_address(request_with(remote, forwarded)) == expected


def in_one_64():
    """A fresh address of one IPv6 /64, as a client rotating its interface identifier would use."""
    return "2001:db8:0:1:%x:%x:%x:%x" % tuple(uuid.uuid4().bytes[:4])


@pytest.mark.django_db
def test_guesses_from_30_addresses_of_one_ipv6_64_are_locked_out_after_the_limit(api, settings):
    settings.TRUSTED_PROXIES = 0
    settings.THROTTLE_ANON = "1000/minute"
    settings.LOGIN_FAILURE_LIMIT = 5
    UserFactory(email="lee@lambton.example")
    statuses = [
        api.post("/api/v1/auth/token/", {"email": "other%d@lambton.example" % index, "password": "guess"},
                 format="json", REMOTE_ADDR=in_one_64()).status_code
        for index in range(30)
    ]
    assert statuses == [400] * 5 + [429] * 25
    response = api.post("/api/v1/auth/token/", {"email": "lee@lambton.example", "password": PASSWORD},
                        format="json", REMOTE_ADDR=in_one_64())
    assert response.status_code == 429
    # Another network is another client.
    response = api.post("/api/v1/auth/token/", {"email": "lee@lambton.example", "password": PASSWORD},
                        format="json", REMOTE_ADDR="2001:db8:0:2::1")
    assert response.status_code == 200


@pytest.mark.django_db
def test_requests_from_30_addresses_of_one_ipv6_64_share_the_anonymous_throttle(api, settings):
    settings.TRUSTED_PROXIES = 1
    settings.THROTTLE_ANON = "5/minute"
    statuses = [api.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/", REMOTE_ADDR="10.0.0.1",
                        HTTP_X_FORWARDED_FOR=in_one_64()).status_code
                for index in range(30)]
    assert statuses == [404] * 5 + [429] * 25


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        # Some proxies write the client's port too; the address is what counts.
        ("203.0.113.7:51234", "203.0.113.7"),
        ("1.2.3.4, 203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::7]:51234", "2001:db8::/64"),
        ("[2001:db8::7]", "2001:db8::/64"),
        (" [::ffff:203.0.113.7]:443 ", "203.0.113.7"),
    ],
)
def test_a_proxy_entry_with_a_port_counts_its_address(settings, forwarded, expected):
    from config.client_address import client_address

    settings.TRUSTED_PROXIES = 1
    assert client_address(request_with("10.0.0.1", forwarded)) == expected


@pytest.mark.django_db
def test_clients_behind_a_proxy_writing_ports_keep_their_own_allowances(api, settings):
    settings.TRUSTED_PROXIES = 1
    settings.THROTTLE_ANON = "5/minute"

    def ask(seen_by_proxy):
        return api.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/", REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR=seen_by_proxy).status_code

    assert [ask("203.0.113.7:%d" % port) for port in range(40000, 40006)] == [404] * 5 + [429]
    # Not every client of the proxy in one counter: another one still has its allowance.
    assert ask("203.0.113.8:40000") == 404
    assert ask("[2001:db8::8]:40000") == 404


@pytest.mark.parametrize("entry", [
    "not-an-address", "203.0.113.7:port", "[2001:db8::7", "[2001:db8::7]x", "203.0.113.7:1:2", "[203.0.113.7]:80",
    "203.0.113.7:99999",
])
def test_a_malformed_proxy_entry_falls_back_to_the_socket_with_one_warning(settings, caplog, entry):
    from config import client_address as module

    settings.TRUSTED_PROXIES = 1
    module._warned_malformed = False
    with caplog.at_level("WARNING", logger="config.client_address"):
        first = module.client_address(request_with("10.0.0.1", "1.2.3.4, " + entry))
        second = module.client_address(request_with("10.0.0.1", entry))
    assert first == second == "10.0.0.1"
    warnings = [r for r in caplog.records if r.name == "config.client_address"]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
    assert "TRUSTED_PROXIES" in warnings[0].getMessage()
