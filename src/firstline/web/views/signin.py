"""Signing in: the page shown when too many wrong passwords locked a sign-in (django-axes)."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with how long the lock lasts and who can lift it sooner.

    The same answer whether the account or the client address is locked, and whether the password
    was right: a guesser learns nothing from it.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    response = render(
        request, "web/login_locked.html", {"minutes": int(cool_off.total_seconds() // 60)}, status=429
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
