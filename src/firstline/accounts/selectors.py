"""Reads on accounts: a user's own API tokens, the grants a manager may see, locked sign-ins."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from firstline.accounts.models import ApiToken, Grant
from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter, scope_paths, work_scope
from firstline.accounts.throttle import locked_signin_keys, signin_key
from firstline.common.errors import NotFound
from firstline.common.models import AuditEntry


def api_tokens_of(*, user, include_revoked: bool = False) -> QuerySet[ApiToken]:
    queryset = ApiToken.objects.filter(user=user)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


# The work a program does through the API for a person: imports and exports for staff, rounds and
# call-downs run from other systems, a lab's results pushed from its LIS. A resident, a leader or a
# volunteer works on the pages (the desk works offline in the browser) and is offered no token.
API_WORK = (Perm.LEDGER_IMPORT, Perm.LEDGER_EXPORT, Perm.TESTING_MANAGE, Perm.TESTING_LAB)


def uses_api(*, user) -> bool:
    """Whether the user's roles give them work a program may do through the API (My account offers
    tokens only then)."""
    return any(scope_paths(user, perm) for perm in API_WORK)


def api_token_get(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens (a revoked one too: revoking it again changes nothing)."""
    try:
        return api_tokens_of(user=user, include_revoked=True).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def grants_of(*, user) -> QuerySet[Grant]:
    """The user's own grants, with their areas, by area."""
    return Grant.objects.filter(user=user).select_related("area").order_by("area__path")


def grants_managed_by(*, user) -> QuerySet[Grant]:
    """Grants on areas where `user` may manage users, with the holder and the area."""
    return (
        scope_filter(Grant.objects.all(), user, Perm.USER_MANAGE, field="area__path")
        .select_related("user", "area")
        .order_by("area__path", "user__username", "role")
    )


@dataclass(frozen=True)
class LockedAccount:
    user: object
    until: dt.datetime


def users_locked_out(*, user) -> list[LockedAccount]:
    """Accounts that `user` manages (every grant of theirs inside `user`'s user-management scope)
    whose sign-in is locked by too many wrong passwords, soonest-lifting first."""
    locked = locked_signin_keys()
    if not locked:
        return []
    managed = grants_managed_by(user=user)
    keys = {signin_key(name): name for name in set(managed.values_list("user__username", flat=True))}
    names = {keys[key]: until for key, until in locked.items() if key in keys}
    # Someone who also holds a grant elsewhere is not this manager's to unlock.
    elsewhere = set(
        Grant.objects.filter(user__username__in=names)
        .exclude(pk__in=managed.values("pk"))
        .values_list("user__username", flat=True)
    )
    users = get_user_model().objects.filter(username__in=set(names) - elsewhere)
    return sorted(
        (LockedAccount(user=u, until=names[u.username]) for u in users),
        key=lambda account: (account.until, account.user.username),
    )


def grant_get(*, user, pk: int) -> Grant:
    """A grant on an area where `user` may manage users."""
    try:
        return grants_managed_by(user=user).get(pk=pk)
    except (Grant.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def locked_account_get(*, user, pk: int):
    """An account that `user` manages whose sign-in is locked (NotFound for any other)."""
    account = next((a.user for a in users_locked_out(user=user) if a.user.pk == pk), None)
    if account is None:
        raise NotFound
    return account


@dataclass(frozen=True)
class Team:
    """Who a manager manages, read when first shown: the grants and the accounts whose sign-in is locked."""

    user: object

    @cached_property
    def grants(self) -> list[Grant]:
        return list(grants_managed_by(user=self.user))

    @cached_property
    def locked(self) -> list[LockedAccount]:
        return users_locked_out(user=self.user)


def team_of(*, user) -> Team:
    """The team page's reads; NotFound for someone who manages no one anywhere."""
    work_scope(user, Perm.USER_MANAGE)
    return Team(user=user)


def audit_entries(
    *,
    user,
    action: str | tuple[str, ...] = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit trail of the areas where `user` may read it, newest first; NotFound for someone who
    reads it nowhere. `action` is a prefix or several ('person.', 'residence.'); `since` and `until`
    are days, both included, in the server's time zone.

    Entries written by the system for the whole registry (no area) are shown to nobody here.
    """
    work_scope(user, Perm.AUDIT_VIEW)
    queryset = scope_filter(
        AuditEntry.objects.exclude(area_path=""), user, Perm.AUDIT_VIEW, field="area_path"
    )
    prefixes = (action,) if isinstance(action, str) else tuple(action)
    if any(prefixes):
        match = Q()
        for prefix in prefixes:
            match |= Q(action__startswith=prefix)
        queryset = queryset.filter(match)
    if actor:
        queryset = queryset.filter(actor__username=actor)
    zone = timezone.get_current_timezone()
    if since:
        queryset = queryset.filter(created_at__gte=dt.datetime.combine(since, dt.time(), zone))
    if until:
        queryset = queryset.filter(
            created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone)
        )
    return queryset.select_related("actor").order_by("-created_at", "-id")


def usernames_of(*, ids) -> dict[int, str]:
    """{user id: username} for the users an audit page names, in one query."""
    ids = {int(i) for i in ids if isinstance(i, int) or str(i).isdigit()}
    if not ids:
        return {}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
