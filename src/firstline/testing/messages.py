"""The words mass testing writes for residents and leaders: call-downs, positive pools and tubes.

Residents read these in their building's chat group, so they are written in the deployment's
language (settings.LANGUAGE_CODE, Chinese in production), whatever language the staff page is in.
Names of people never appear in a message meant for a group; doors do.
"""

from collections import OrderedDict

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from firstline.areas.models import INNER_STAIRWELLS, RURAL_STAIRWELLS, Area, AreaKind
from firstline.areas.selectors import door_labels


def _join(parts: list[str]) -> str:
    return ("、" if translation.get_language().startswith("zh") else ", ").join(parts)


def block_id(stairwell: Area) -> int:
    """The block a stairwell belongs to: a unit's building, a group's village, else itself."""
    return stairwell.parent_id if stairwell.kind in INNER_STAIRWELLS else stairwell.pk


def stairwell_labels(stairwells: list[Area], buildings: dict[int, Area]) -> list[str]:
    """'3号楼1单元、2单元' style labels: units grouped under their building (a village's groups under
    their village: '新添堡村1组、3组'), in the given order. `buildings` holds the blocks by id."""
    grouped: OrderedDict[int, list[Area]] = OrderedDict()
    whole: set[int] = set()
    for area in stairwells:
        key = block_id(area)
        grouped.setdefault(key, [])
        if area.kind in INNER_STAIRWELLS:
            grouped[key].append(area)
        else:
            whole.add(key)
    zh = translation.get_language().startswith("zh")
    sep = "" if zh else " "
    labels = []
    for building_id, inner in grouped.items():
        building = buildings[building_id]
        if inner:
            labels.append(building.name + sep + _join([u.name for u in inner]))
        if building_id in whole and not (inner and building.kind == AreaKind.BUILDING):
            # A building without units is its own stairwell; a village's houses in no group are
            # named apart from its groups (the village itself would call every group).
            loose = building.kind == AreaKind.VILLAGE and (inner or _has_groups(building))
            labels.append(
                _("%(village)s, houses in no group") % {"village": building.name} if loose else building.name
            )
    return labels


def _has_groups(village: Area) -> bool:
    return Area.objects.filter(parent=village, kind=AreaKind.VILLAGE_GROUP).exists()


def call_down_message(*, point, stairwells: list[Area], buildings: dict[int, Area] | None = None) -> str:
    """The message for a wave; `buildings` (by id) saves reading them again when the caller has them.
    A building's residents come down; a village's are asked to come to the point by group."""
    if buildings is None:
        buildings = {b.pk: b for b in Area.objects.filter(pk__in={block_id(a) for a in stairwells})}
    with translation.override(settings.LANGUAGE_CODE):
        where = _join(stairwell_labels(stairwells, buildings))
        place = (
            _("%(point)s (%(location)s)") % {"point": point.name, "location": point.location}
            if point.location
            else point.name
        )
        if all(a.kind in RURAL_STAIRWELLS for a in stairwells):
            return _(
                "[Testing] Villagers of %(where)s: please come now to %(point)s for your test.\n"
                "Bring your personal code, wear a mask and keep one metre apart."
            ) % {"where": where, "point": place}
        return _(
            "[Testing] Residents of %(where)s: please come down now to %(point)s for your test.\n"
            "Bring your personal code, wear a mask and keep one metre apart."
        ) % {"where": where, "point": place}


def positive_pool_message(*, round, tube_code: str, household_ids, people: int) -> tuple[str, str]:
    """(title, body) for the leaders of the doors of a positive pool."""
    with translation.override(settings.LANGUAGE_CODE):
        doors = sorted(door_labels(household_ids=household_ids).values())
        title = _("Positive pool in %(round)s: %(n)d people to re-sample") % {
            "round": round.name,
            "n": people,
        }
        body = _(
            "Tube %(tube)s of %(round)s tested positive. The %(n)d people sampled in it must stay at home "
            "and wait for a single-tube re-sample at their door.\nDoors: %(doors)s"
        ) % {"tube": tube_code, "round": round.name, "n": people, "doors": _join(doors)}
    return title, body


def _at_door(household_id: int | None, fallback: str) -> str:
    return door_labels(household_ids=[household_id]).get(household_id, fallback) if household_id else fallback


def positive_single_message(*, round, tube_code: str, household_id: int | None) -> tuple[str, str]:
    """(title, body) for a positive single tube (a re-sample, or a sealed building's single tubes)."""
    with translation.override(settings.LANGUAGE_CODE):
        where = _at_door(household_id, tube_code)
        title = _("Positive at %(where)s") % {"where": where}
        body = _(
            "Single tube %(tube)s of %(round)s is positive at %(where)s. Follow up now: the household stays "
            "at "
            "home; a staff member will call."
        ) % {"tube": tube_code, "round": round.name, "where": where}
    return title, body
