"""Scope: which subtrees a user may read or write, for a permission.

Every selector narrows its queryset with `scope_filter`; every service calls `require` before it
writes. A superuser is not special here: rights come from grants only.
"""

from django.db.models import Q, QuerySet

from firstline.accounts.models import Grant
from firstline.accounts.roles import role_has
from firstline.common.errors import PermissionDenied
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
    if not can(user, perm, path):
        raise PermissionDenied(code=perm)

