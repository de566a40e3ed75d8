"""The words the system writes for residents and leaders: call-downs, positive pools.

Residents read these in their building's chat group, so they are written in the deployment's
language (settings.LANGUAGE_CODE, Chinese in production), whatever language the staff page is in.
Names of people never appear in a message meant for a group; doors do.
"""

from collections import OrderedDict

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from firstline.areas.models import Area, AreaKind


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


def call_down_message(*, point, stairwells: list[Area]) -> str:
    building_ids = {a.pk if a.kind == AreaKind.BUILDING else a.parent_id for a in stairwells}
    buildings = {b.pk: b for b in Area.objects.filter(pk__in=building_ids)}
    with translation.override(settings.LANGUAGE_CODE):
        where = _join(stairwell_labels(stairwells, buildings))
        return _(
            "[Testing] Residents of %(where)s: please come down now to %(point)s for your test.\n"
            "Bring your personal code, wear a mask and keep one metre apart."
        ) % {"where": where, "point": _("%(point)s (%(location)s)") % {"point": point.name, "location": point.location}
             if point.location else point.name}


def positive_pool_message(*, round, tube_code: str, doors: list[str], people: int) -> tuple[str, str]:
    """(title, body) for the leaders of the doors of a positive pool."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Positive pool in %(round)s: %(n)d people to re-sample") % {"round": round.name, "n": people}
        body = _(
            "Tube %(tube)s of %(round)s tested positive. The %(n)d people sampled in it must stay at home "
            "and wait for a single-tube re-sample at their door.\nDoors: %(doors)s"
        ) % {"tube": tube_code, "round": round.name, "n": people, "doors": _join(doors)}
    return title, body


def positive_message(*, where: str, source: str) -> tuple[str, str]:
    """(title, body) for a confirmed positive (single tube, or an antigen self-test)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Positive at %(where)s") % {"where": where}
        body = _("%(source)s at %(where)s. Follow up now: the household stays at home; a staff member will call.") % {
            "source": source, "where": where}
    return title, body
