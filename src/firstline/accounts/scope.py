"""Scope: which subtrees a user may read or write, for a permission.

Every selector narrows its queryset with `scope_filter`; every service calls `require` before it
writes; a selector behind a page of one kind of work calls `work_scope`. A superuser is not special
here: rights come from grants only.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from firstline.accounts.models import Grant
from firstline.accounts.roles import PERM_ACTIONS, Role, role_has
from firstline.common.errors import NotFound, PermissionDenied
from firstline.common.paths import any_subtree_q, collapse_paths, is_within

_CACHE_ATTR = "_firstline_grants"


def user_grants(user) -> list[tuple[str, str]]:
    """(role, area path) pairs of the user, read once per request."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Grant.objects.filter(user=user).values_list("role", "area__path"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user, perm: str) -> list[str]:
    """The roots of the subtrees where `user` holds `perm`."""
    return collapse_paths([path for role, path in user_grants(user) if role_has(role, perm)])


def scope_q(user, perm: str, field: str = "path") -> Q:
    return any_subtree_q(scope_paths(user, perm), field)


def scope_filter(queryset: QuerySet, user, perm: str, field: str = "path") -> QuerySet:
    return queryset.filter(scope_q(user, perm, field))


def can(user, perm: str, path: str) -> bool:
    return is_within(path, scope_paths(user, perm))


def require(user, perm: str, path: str) -> None:
    """PermissionDenied unless the user holds `perm` on `path`; its message says whether the role or
    the place is the cause."""
    paths = scope_paths(user, perm)
    if is_within(path, paths):
        return
    action = PERM_ACTIONS.get(perm, perm)
    if paths:
        message = _("You may %(action)s only in your own areas, and this is outside them.") % {
            "action": action
        }
    else:
        message = _("Your role does not allow you to %(action)s.") % {"action": action}
    raise PermissionDenied(message, code=perm)


def require_any(user, perm: str) -> None:
    """PermissionDenied (the role is the cause) unless the user holds `perm` somewhere: for an action
    over many records at once, each then narrowed to the user's areas."""
    if not scope_paths(user, perm):
        raise PermissionDenied(
            _("Your role does not allow you to %(action)s.") % {"action": PERM_ACTIONS.get(perm, perm)},
            code=perm,
        )


def work_scope(user, perm: str) -> list[str]:
    """The roots where the user holds `perm`; NotFound when there are none: a page of one kind of work
    (the review queue, possible duplicates, the audit trail) does not exist for someone whose roles
    give them none of it anywhere, as for an address that does not exist."""
    paths = scope_paths(user, perm)
    if not paths:
        raise NotFound
    return paths


def resident_only(user) -> bool:
    """The user's only grants are a resident's (on their own door): their start page is their household."""
    grants = user_grants(user)
    return bool(grants) and all(role == Role.RESIDENT for role, _path in grants)
