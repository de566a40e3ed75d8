"""Choosing a door: the building → unit → door pickers and the search-as-you-type behind every form
that names a household, always inside the user's areas (never a door outside their grants).

A form names a site (a compound or a village) `within` which the door is chosen; the pickers list
what of that site lies in the user's scope for the form's permission: a building leader of 3号楼 and
5号楼 sees those two buildings and their doors only.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths, scope_q
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import door_label
from firstline.common.errors import NotFound
from firstline.common.identity import fold
from firstline.common.paths import SEGMENT_WIDTH, ancestor_paths, subtree_q

BLOCK_KINDS = (AreaKind.BUILDING, AreaKind.VILLAGE_GROUP)
SEARCH_LIMIT = 20

# '3-2-603', '3号楼2单元603', '3栋603', '3-603', '2单元603', '603', '15号'.
_DOOR_QUERY = re.compile(
    r"^\s*(?:(\d+)\s*(?:号楼|栋|幢|#|号|-)\s*)?(?:(\d+)\s*(?:单元|-)\s*)?([0-9A-Za-z]+)\s*(?:室|号|户)?\s*$"
)


@dataclass
class DoorPick:
    """What the picker shows: the site's blocks (buildings, groups), the chosen block's units, the
    chosen unit's (or unit-less block's) doors, the doors a search found, and the chosen door."""

    within: Area
    blocks: list[Area]
    block: Area | None = None
    units: list[Area] = field(default_factory=list)
    unit: Area | None = None
    doors: list[Area] = field(default_factory=list)
    query: str = ""
    found: list[tuple[Area, str]] | None = None  # (door, label); None: no search was made
    chosen: Area | None = None

    @property
    def in_village(self) -> bool:
        return any(block.kind != AreaKind.BUILDING for block in self.blocks)

    @property
    def chosen_label(self) -> str:
        return door_label(self.chosen) if self.chosen else ""


def _site_path(area: Area) -> str:
    return area.path[: 3 * SEGMENT_WIDTH]


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def picker_site(*, user, pk, perm: str = Perm.LEDGER_EDIT) -> Area:
    """The area a picker's partial is asked for, inside the user's scope or above a part of it (a
    building leader's compound); NotFound otherwise, as for no area at all."""
    try:
        return Area.objects.filter(_touching_scope(user, perm)).get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def _touching_scope(user, perm: str) -> Q:
    """Areas inside the user's scope or above a part of it (a building that holds their unit)."""
    paths = scope_paths(user, perm)
    above = {p for path in paths for p in ancestor_paths(path)}
    return scope_q(user, perm) | Q(path__in=sorted(above))


def _doors_in_scope(user, perm: str) -> QuerySet[Area]:
    return Area.objects.filter(scope_q(user, perm), kind=AreaKind.HOUSEHOLD)


def door_pick(
    *, user, within: Area, perm: str = Perm.LEDGER_EDIT, block=None, unit=None, query="", chosen=None
) -> DoorPick:
    """The picker's state for `within`'s site from a form's values (ids as sent, unchecked): a
    block or unit outside the site or the user's scope is simply not chosen. A constant number of
    queries whatever is chosen."""
    site = _site_path(within)
    blocks = list(
        Area.objects.filter(subtree_q(site), _touching_scope(user, perm), kind__in=BLOCK_KINDS).order_by(
            "sort_key", "path"
        )
    )
    pick = DoorPick(within=within, blocks=blocks, query=(query or "").strip()[:40])
    # A village's houses in no group are chosen through the village itself.
    loose = _doors_in_scope(user, perm).filter(parent__path=site, parent__kind=AreaKind.VILLAGE)
    if loose.exists():
        pick.blocks.append(Area.objects.get(path=site))
    pick.block = next((b for b in pick.blocks if b.pk == _int(block)), None)
    if pick.block is not None:
        if pick.block.kind == AreaKind.BUILDING:
            pick.units = list(
                Area.objects.filter(parent=pick.block, kind=AreaKind.UNIT)
                .filter(_touching_scope(user, perm))
                .order_by("sort_key", "path")
            )
        pick.unit = next((u for u in pick.units if u.pk == _int(unit)), None)
        if len(pick.units) == 1:
            pick.unit = pick.units[0]
        parent = pick.unit or pick.block
        if pick.unit is not None or not pick.units:
            pick.doors = list(
                _doors_in_scope(user, perm)
                .filter(parent=parent)
                .select_related("parent", "parent__parent")
                .order_by("sort_key", "path")
            )
    if pick.query:
        found = door_search(user=user, within=within, query=pick.query, perm=perm)
        pick.found = [(door, door_label(door)) for door in found]
    if _int(chosen):
        pick.chosen = (
            _doors_in_scope(user, perm)
            .filter(subtree_q(site), pk=_int(chosen))
            .select_related("parent", "parent__parent")
            .first()
        )
    return pick


def door_search(
    *, user, within: Area, query: str, perm: str = Perm.LEDGER_EDIT, limit: int = SEARCH_LIMIT
) -> list[Area]:
    """Doors of `within`'s site in the user's scope that a typed door names: '3-2-603',
    '3号楼2单元603', '3栋603', '603' (every 603 of the site), a village's '3组15号' read as group 3
    house 15. One query; an unreadable text finds nothing."""
    text = fold(query or "").strip()
    match = _DOOR_QUERY.match(text) or re.match(r"^\s*(\d+)\s*(?:组|队)\s*()(\d+)\s*号?\s*$", text)
    if not match:
        return []
    building, unit, door = match.groups()
    doors = _doors_in_scope(user, perm).filter(
        subtree_q(_site_path(within)), door__in=[door, f"{door}号", door.upper()]
    )
    if building:
        names = [f"{building}号楼", f"{building}栋", f"{building}幢", f"{building}号", building]
        names += [f"Building {building}", f"{building}组", f"{building}队", f"第{building}组"]
        doors = doors.filter(Q(parent__name__in=names) | Q(parent__parent__name__in=names))
    if unit:
        doors = doors.filter(
            parent__kind=AreaKind.UNIT, parent__name__in=[f"{unit}单元", f"Unit {unit}", unit]
        )
    return list(doors.select_related("parent", "parent__parent").order_by("path")[:limit])


def _building_names(number: str) -> set[str]:
    return {
        f"{number}号楼",
        f"{number}栋",
        f"{number}幢",
        f"{number}号",
        number,
        f"Building {number}",
        f"{number}组",
        f"{number}队",
        f"第{number}组",
    }


def doors_by_text(*, user, within: list[Area], texts: list[str], perm: str = Perm.LEDGER_EDIT) -> dict:
    """Each typed door of a list ('3-2-603', '3号楼603') -> the doors of `within` in the user's scope
    it names, read the way `door_search` reads one, for the whole list in one query."""
    parsed = {}
    for text in texts:
        match = _DOOR_QUERY.match(fold(text or "").strip())
        if match:
            parsed[text] = match.groups()
    found: dict[str, list[Area]] = {text: [] for text in texts}
    if not parsed or not within:
        return found
    numbers = {door for _b, _u, door in parsed.values()}
    numbers |= {f"{n}号" for n in numbers} | {n.upper() for n in numbers}
    site_q = Q()
    for area in within:
        site_q |= subtree_q(area.path)
    by_number: dict[str, list[Area]] = {}
    for candidate in (
        _doors_in_scope(user, perm)
        .filter(site_q, door__in=numbers)
        .select_related("parent", "parent__parent")
        .order_by("path")
    ):
        by_number.setdefault(candidate.door, []).append(candidate)
    for text, (building, unit, door) in parsed.items():
        names = _building_names(building) if building else None
        units = {f"{unit}单元", f"Unit {unit}", unit} if unit else None
        for candidate in [
            d
            for number in dict.fromkeys((door, f"{door}号", door.upper()))
            for d in by_number.get(number, [])
        ]:
            parent, grandparent = candidate.parent, candidate.parent.parent if candidate.parent else None
            if names and not (
                (parent and parent.name in names) or (grandparent and grandparent.name in names)
            ):
                continue
            if units and not (parent and parent.kind == AreaKind.UNIT and parent.name in units):
                continue
            found[text].append(candidate)
    return found
