"""How failed sign-ins are counted: django-axes, with a limit per account and a higher one per address.

Axes keeps one row per (username, address, browser) with its failures, and locks a sign-in when
the failures of any lockout group (AXES_LOCKOUT_PARAMETERS: the account; the client address) reach
AXES_FAILURE_LIMIT. It has one limit for all groups; `LoginAttempts` gives the address group its
own, FIRSTLINE_LOGIN_CLIENT_LIMIT, because every desk of a sampling point (and every phone behind a
carrier's NAT) shares one address: ten typos there must not lock the whole point out (ADR 0007).

The username axes stores is `signin_username`'s keyed hash, never the text typed: people type an
ID number or their password into the username box, and no ID number rests in clear (ADR 0002).
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from firstline.common.crypto import lookup_hash


def signin_key(username: str) -> str:
    """What axes stores and counts for a username: a keyed hash, the same for the same text."""
    return "u:" + lookup_hash("firstline sign-in\x00" + (username or ""))[:40]


def signin_username(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username of a sign-in attempt, as `signin_key`."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    return signin_key(username) if username is not None else None


def _group_limit(group: list[str]) -> int:
    if group == ["username"]:
        return settings.AXES_FAILURE_LIMIT
    return settings.FIRSTLINE_LOGIN_CLIENT_LIMIT


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout group.

    `get_failures` answers in units of the account limit (AXES_FAILURE_LIMIT), which axes compares
    it with: the address's failures are scaled down by the ratio of the two limits, so the address
    locks at its own limit and the account at its.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        groups = settings.AXES_LOCKOUT_PARAMETERS
        attempts_list = self.get_user_attempts(request, credentials)
        worst = 0
        for group, attempts in zip(groups, attempts_list, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            group = [group] if isinstance(group, str) else list(group)
            worst = max(worst, failures * settings.AXES_FAILURE_LIMIT // _group_limit(group))
        return worst


def locked_signin_keys(*, now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """The `signin_key`s whose own failures lock them now: {key: when the lock lifts at the latest}."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"]: row["last"] + settings.AXES_COOLOFF_TIME for row in rows}
