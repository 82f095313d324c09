"""Login lockout (django-axes) for people logging in through the web."""

from axes.backends import AxesStandaloneBackend


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
