"""Where a notice leads, for the user reading it: the page of the thing it is about (the positive
pools of a round, a call-down's wave, a household, possible duplicates), only when that user may open
it. The services that write notices store what they are about in `Notice.ref` ("testing.tube:12");
this reads every ref of a page of notices in one query per kind.

It sits above the apps whose records the refs name (testing, followups, people), so that the
notices app itself stays below them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import can, scope_paths, user_grants
from firstline.common.paths import is_within
from firstline.followups.models import AntigenReport
from firstline.notices.models import Notice
from firstline.people.models import Residence
from firstline.testing.models import CallDown, Tube


@dataclass(frozen=True)
class Target:
    """A page by its URL name and arguments (the web layer reverses it), and the link's words."""

    url_name: str
    args: tuple
    label: str


def _reaches(user, perm: str, path: str) -> bool:
    """The user holds `perm` on the area at `path`, or on an area inside it (a leader of one of the
    buildings a notice about a compound concerns)."""
    paths = scope_paths(user, perm)
    return is_within(path, paths) or any(p.startswith(path) for p in paths)


def _is_resident(user) -> bool:
    return any(role == Role.RESIDENT for role, _path in user_grants(user))


def notice_targets(*, user, notices: list[Notice]) -> dict[int, Target]:
    """{notice id: Target} for the notices that lead somewhere this user may go."""
    refs: dict[str, dict[int, list[Notice]]] = defaultdict(lambda: defaultdict(list))
    for notice in notices:
        kind, _sep, pk = (notice.ref or "").partition(":")
        if pk.isdigit():
            refs[kind][int(pk)].append(notice)
    targets: dict[int, Target] = {}

    def put(found: dict[int, list[Notice]], pk: int, target: Target | None) -> None:
        if target is not None:
            for notice in found.get(pk, []):
                targets[notice.pk] = target

    if found := refs.get("testing.tube"):
        for pk, round_id, path in Tube.objects.filter(pk__in=found).values_list(
            "pk", "round_id", "area_path"
        ):
            notice_path = found[pk][0].area.path if found[pk][0].area_id else path
            if _reaches(user, Perm.TESTING_VIEW, notice_path):
                put(found, pk, Target("web:testing_positives", (round_id,), _("Open the positive pools")))
    if found := refs.get("testing.calldown"):
        rows = CallDown.objects.filter(pk__in=found).values_list(
            "pk", "round_id", "point_id", "point__compound__path"
        )
        for pk, round_id, point_id, path in rows:
            if can(user, Perm.TESTING_MANAGE, path):
                target = Target("web:testing_calldowns", (round_id, point_id), _("Open the call-downs"))
            elif _reaches(user, Perm.TESTING_VIEW, path):
                target = Target("web:testing_round", (round_id,), _("Go to the round"))
            elif _is_resident(user):
                target = Target("web:resident", (), _("Show my code"))
            else:
                target = None
            put(found, pk, target)
    if found := refs.get("testing.antigen"):
        rows = AntigenReport.objects.filter(pk__in=found).values_list("pk", "household_id", "household__path")
        for pk, household_id, path in rows:
            if can(user, Perm.LEDGER_VIEW, path):
                put(found, pk, Target("web:household", (household_id,), _("Open the household")))
    if found := refs.get("people.person"):
        homes = dict(
            Residence.objects.filter(person_id__in=found, is_current=True).values_list(
                "person_id", "household__path"
            )
        )
        for pk, notices in found.items():
            path = notices[0].area.path if notices[0].area_id else homes.get(pk, "")
            if path and can(user, Perm.PERSON_MERGE, path):
                put(found, pk, Target("web:duplicates", (), _("Open the possible duplicates")))
            elif homes.get(pk) and can(user, Perm.LEDGER_VIEW, homes[pk]):
                put(found, pk, Target("web:person", (pk,), _("Open the person")))
    return targets
