"""The words mass testing writes for residents and leaders: call-downs, positive pools and tubes.

Residents read these in their building's chat group, so they are written in the deployment's
language (settings.LANGUAGE_CODE, Chinese in production), whatever language the staff page is in.
Names of people never appear in a message meant for a group; doors do.
"""

from collections import OrderedDict

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import door_labels


def _join(parts: list[str]) -> str:
    return ("、" if translation.get_language().startswith("zh") else ", ").join(parts)


def stairwell_labels(stairwells: list[Area], buildings: dict[int, Area]) -> list[str]:
    """'3号楼1单元、2单元' style labels: units grouped under their building, in the given order."""
    grouped: OrderedDict[int, list[Area]] = OrderedDict()
    for area in stairwells:
        key = area.pk if area.kind == AreaKind.BUILDING else area.parent_id
        grouped.setdefault(key, [])
        if area.kind == AreaKind.UNIT:
            grouped[key].append(area)
    zh = translation.get_language().startswith("zh")
    labels = []
    for building_id, units in grouped.items():
        building = buildings[building_id]
        if not units:
            labels.append(building.name)
        else:
            sep = "" if zh else " "
            labels.append(building.name + sep + _join([u.name for u in units]))
    return labels


def call_down_message(*, point, stairwells: list[Area], buildings: dict[int, Area] | None = None) -> str:
    """The message for a wave; `buildings` (by id) saves reading them again when the caller has them."""
    if buildings is None:
        building_ids = {a.pk if a.kind == AreaKind.BUILDING else a.parent_id for a in stairwells}
        buildings = {b.pk: b for b in Area.objects.filter(pk__in=building_ids)}
    with translation.override(settings.LANGUAGE_CODE):
        where = _join(stairwell_labels(stairwells, buildings))
        return _(
            "[Testing] Residents of %(where)s: please come down now to %(point)s for your test.\n"
            "Bring your personal code, wear a mask and keep one metre apart."
        ) % {"where": where, "point": _("%(point)s (%(location)s)") % {"point": point.name, "location": point.location}
             if point.location else point.name}


def positive_pool_message(*, round, tube_code: str, household_ids, people: int) -> tuple[str, str]:
    """(title, body) for the leaders of the doors of a positive pool."""
    with translation.override(settings.LANGUAGE_CODE):
        doors = sorted(door_labels(household_ids=household_ids).values())
        title = _("Positive pool in %(round)s: %(n)d people to re-sample") % {"round": round.name, "n": people}
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
        body = _("Single tube %(tube)s of %(round)s is positive at %(where)s. Follow up now: the household stays at "
                 "home; a staff member will call.") % {"tube": tube_code, "round": round.name, "where": where}
    return title, body
