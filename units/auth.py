"""Login lockout (django-axes) for people logging in through the web."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses logins while a username/IP pair is locked out after repeated failures.

    Axes needs the HTTP request to know the client; calls without one (the test client's `login()`,
    management commands) are not web logins and are left to the next backend instead of failing.
    API tokens never pass through here.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address a login attempt came from, for the lockout (AXES_CLIENT_IP_CALLABLE).

    Without a reverse proxy this is REMOTE_ADDR. Behind one (BEHIND_PROXY), REMOTE_ADDR is the proxy for
    everyone, so five wrong passwords from anywhere would lock a staff account out for all: when the
    request comes from a configured proxy (TRUSTED_PROXIES), the client is the right-most address of
    X-Forwarded-For that is not itself a trusted proxy. Addresses a client wrote further left are never
    believed (anyone can send the header; only what our proxy appended counts). A request from anywhere
    else keeps its REMOTE_ADDR, whatever headers it sends.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "")) or request.META.get("REMOTE_ADDR")
    trusted = getattr(settings, "TRUSTED_PROXIES", ())
    if not getattr(settings, "BEHIND_PROXY", False) or remote not in trusted:
        return remote
    forwarded = [a for a in (_address(p) for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")) if a]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
