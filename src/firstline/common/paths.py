"""Materialised paths of the area tree: fixed-width decimal segments, one per level.

Digits only, so that ordering is the same in every collation and a subtree is one range scan.
"""

from django.db import models

SEGMENT_WIDTH = 6


def segment(number: int) -> str:
    return str(number).zfill(SEGMENT_WIDTH)


def subtree_upper_bound(path: str) -> str:
    """The first path after every descendant of `path`: the last segment plus one."""
    head, last = path[:-SEGMENT_WIDTH], path[-SEGMENT_WIDTH:]
    return head + segment(int(last) + 1)


def subtree_q(path: str, field: str = "path") -> models.Q:
    """Q for a node and all its descendants, by its path (`field` may cross a relation)."""
    return models.Q(**{f"{field}__gte": path, f"{field}__lt": subtree_upper_bound(path)})


def any_subtree_q(paths: list[str], field: str = "path") -> models.Q:
    """Q for the union of several subtrees; matches nothing when `paths` is empty."""
    q = models.Q(pk__in=[])
    for path in collapse_paths(paths):
        q |= subtree_q(path, field)
    return q


def collapse_paths(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def is_within(path: str, ancestors: list[str]) -> bool:
    return any(path.startswith(a) for a in ancestors)


def ancestor_paths(path: str) -> list[str]:
    """Paths of the ancestors of `path`, root first, without `path` itself."""
    return [path[:i] for i in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def intersect_paths(first: list[str], second: list[str]) -> list[str]:
    """The subtrees inside both unions: where a round's areas and a user's scope overlap."""
    kept = []
    for a in collapse_paths(first):
        for b in collapse_paths(second):
            if a.startswith(b):
                kept.append(a)
            elif b.startswith(a):
                kept.append(b)
    return collapse_paths(kept)


def subtree_sql(paths: list[str], column: str) -> tuple[str, list[str]]:
    """A SQL condition (and its parameters) for `column` lying in any of the subtrees at `paths`."""
    paths = collapse_paths(paths)
    if not paths:
        return "1 = 0", []
    parts, params = [], []
    for path in paths:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [path, subtree_upper_bound(path)]
    return "(" + " OR ".join(parts) + ")", params
