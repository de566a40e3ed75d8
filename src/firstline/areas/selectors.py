"""Reads on the area tree, always narrowed to the acting user's scope."""

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import translation
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter, scope_paths
from firstline.areas.models import (
    RISK_SEVERITY,
    RURAL_STAIRWELLS,
    SITE_KINDS,
    Area,
    AreaKind,
    RiskStatus,
    RiskStatusChange,
)
from firstline.common.bulk import in_values
from firstline.common.errors import NotFound
from firstline.common.paths import SEGMENT_WIDTH, ancestor_paths, subtree_q


def areas_visible(*, user, perm: str = Perm.LEDGER_VIEW) -> QuerySet[Area]:
    return scope_filter(Area.objects.all(), user, perm)


def area_get(*, user, pk: int, perm: str = Perm.LEDGER_VIEW, kind: str | frozenset | None = None) -> Area:
    queryset = areas_visible(user=user, perm=perm)
    if isinstance(kind, frozenset | set | tuple | list):
        queryset = queryset.filter(kind__in=kind)  # one of several kinds (a site: a compound or a village)
    elif kind:
        queryset = queryset.filter(kind=kind)
    try:
        return queryset.get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def area_named(*, user, pk, field: str, perm: str = Perm.LEDGER_VIEW, kind: str | None = None) -> Area:
    """The area a form names in a field (not in its address): absent, not a number or outside the
    user's areas, it is a ValidationError on `field`, the answer to a wrong choice, which does not
    tell the three apart."""
    try:
        return area_get(user=user, pk=pk, perm=perm, kind=kind)
    except NotFound:
        message = _("Choose the household.") if kind == AreaKind.HOUSEHOLD else _("Choose an area.")
        raise ValidationError({field: message}) from None


_GRANTABLE_KINDS = [AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.COMPOUND, AreaKind.BUILDING, AreaKind.UNIT]


def areas_grantable(*, user, limit: int = 2000) -> QuerySet[Area]:
    """Where the user may give roles: the areas above the doors in their user-management scope."""
    return (
        areas_visible(user=user, perm=Perm.USER_MANAGE)
        .filter(kind__in=_GRANTABLE_KINDS)
        .order_by("path")[:limit]
    )


def area_roots_for(*, user, perm: str = Perm.LEDGER_VIEW) -> list[Area]:
    """The top nodes of the user's scope: where their pages start."""
    return list(Area.objects.filter(path__in=scope_paths(user, perm)).order_by("path"))


def area_children(*, user, area: Area) -> QuerySet[Area]:
    return areas_visible(user=user).filter(parent=area).order_by("sort_key", "path")


def area_ancestors(*, area: Area) -> list[Area]:
    """Ancestors, root first (names only are shown for those outside scope)."""
    return list(Area.objects.filter(path__in=ancestor_paths(area.path)).order_by("path"))


HOUSES_PER_ROW = 10


def floor_rows(stairwell_kind: str, by_floor: dict, *, top_down: bool = True) -> list[tuple[int, list]]:
    """What a map shows row by row: a building's doors by floor (top floor first, or bottom first),
    a village's houses in rows of ten in their order (they have no floors: the row has no number)."""
    if stairwell_kind not in RURAL_STAIRWELLS:
        return sorted(by_floor.items(), reverse=top_down)
    houses = [door for floor in sorted(by_floor) for door in by_floor[floor]]
    return [(0, houses[i : i + HOUSES_PER_ROW]) for i in range(0, len(houses), HOUSES_PER_ROW)]


def area_effective_risk(*, area: Area, ancestors: list[Area] | None = None) -> str:
    """The most severe status of the area and its ancestors: a sealed building seals its doors."""
    chain = (ancestors if ancestors is not None else area_ancestors(area=area)) + [area]
    return max((a.risk_status for a in chain), key=lambda s: RISK_SEVERITY[RiskStatus(s)])


def area_risk_history(*, user, area: Area) -> QuerySet[RiskStatusChange]:
    """Who changed the area's risk status, when and why, newest first."""
    area_get(user=user, pk=area.pk)
    return (
        RiskStatusChange.objects.filter(area=area).select_related("changed_by").order_by("-changed_at", "-id")
    )


def child_household_counts(*, parent: Area) -> dict[int, int]:
    """Households under each child of `parent`, in one grouped query."""
    width = len(parent.path) + SEGMENT_WIDTH
    rows = (
        Area.objects.filter(subtree_q(parent.path), kind=AreaKind.HOUSEHOLD)
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    by_path = dict(Area.objects.filter(parent=parent).values_list("path", "pk"))
    return {by_path[row["prefix"]]: row["n"] for row in rows if row["prefix"] in by_path}


def compound_by_public_token(*, token: str) -> Area:
    """The site (a compound or a village) whose self-registration QR code carries `token`."""
    try:
        return Area.objects.get(public_token=token, kind__in=SITE_KINDS)
    except Area.DoesNotExist:
        raise NotFound from None


def label_of_door(*, door: str, name: str, parent_kind: str, parent_name: str, grandparent_name: str) -> str:
    """'3号楼2单元501' (or '3号楼501' without units) from plain values: the door, its stairwell, its
    building; a village house is '3组15号', a house in no group or a scattered house its own name."""
    if parent_kind in (AreaKind.VILLAGE, AreaKind.COMMUNITY):
        return door or name
    parts = [grandparent_name, parent_name] if parent_kind == AreaKind.UNIT else [parent_name]
    sep = "" if (translation.get_language() or "").startswith("zh") else " "
    return sep.join([*parts, door or name])


def door_label(household: Area) -> str:
    """The label of a household whose parents are loaded."""
    parent = household.parent
    return label_of_door(
        door=household.door,
        name=household.name,
        parent_kind=parent.kind,
        parent_name=parent.name,
        grandparent_name=parent.parent.name if parent.parent_id else "",
    )


def place_labels(*, paths) -> dict[str, str]:
    """{path: the place in words} for many areas in one query: a door as '3号楼2单元603', a unit as
    '3号楼2单元', a building, compound or community by its name."""
    paths = {p for p in paths if p}
    wanted = paths | {a for p in paths for a in ancestor_paths(p)}
    if not wanted:
        return {}
    rows = {
        path: (kind, name, door)
        for path, kind, name, door in Area.objects.filter(path__in=sorted(wanted)).values_list(
            "path", "kind", "name", "door"
        )
    }
    labels = {}
    for path in paths:
        if path not in rows:
            continue
        kind, name, door = rows[path]
        parent = rows.get(path[:-SEGMENT_WIDTH], ("", "", ""))
        grand = rows.get(path[: -2 * SEGMENT_WIDTH], ("", "", ""))
        if kind == AreaKind.HOUSEHOLD:
            labels[path] = label_of_door(
                door=door, name=name, parent_kind=parent[0], parent_name=parent[1], grandparent_name=grand[1]
            )
        elif kind == AreaKind.UNIT:
            labels[path] = (
                parent[1] + name
                if (translation.get_language() or "").startswith("zh")
                else f"{parent[1]} {name}"
            )
        else:
            labels[path] = name
    return labels


def door_labels(*, household_ids) -> dict[int, str]:
    """Labels of many doors in one query, read as plain values (a scan batch names thousands)."""
    rows = Area.objects.filter(
        pk__in=in_values(Area, "id", set(household_ids)), kind=AreaKind.HOUSEHOLD
    ).values_list("pk", "door", "name", "parent__kind", "parent__name", "parent__parent__name")
    return {
        pk: label_of_door(
            door=door, name=name, parent_kind=kind, parent_name=parent_name, grandparent_name=grand or ""
        )
        for pk, door, name, kind, parent_name, grand in rows
    }
