"""Reads for antigen self-tests and follow-ups, narrowed to the acting user's areas: a household's
reports, the follow-ups a user manages, and the doors a user reports antigen results for."""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths, work_scope
from firstline.areas.models import Area, AreaKind
from firstline.common.errors import NotFound
from firstline.common.paths import any_subtree_q, subtree_q
from firstline.followups.models import AntigenReport, FollowUp


def antigen_reports(*, user, area: Area) -> QuerySet[AntigenReport]:
    if not can(user, Perm.LEDGER_VIEW, area.path):
        raise NotFound
    return (
        AntigenReport.objects.filter(subtree_q(area.path, "household__path"))
        .select_related("household", "person", "reported_by")
        .order_by("-taken_at", "-id")
    )


def follow_ups(*, user, status: str = FollowUp.Status.OPEN) -> QuerySet[FollowUp]:
    queryset = FollowUp.objects.filter(
        any_subtree_q(scope_paths(user, Perm.FOLLOWUP_MANAGE), "household_path")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("household", "person", "antigen_report", "sample__tube").order_by(
        "-created_at", "-id"
    )


def follow_up_lists(
    *, user, open_rows: int = 200, closed_rows: int = 50
) -> tuple[list[FollowUp], list[FollowUp]]:
    """The open follow-ups the user works on, and the latest closed ones: not found for a role that
    works on none anywhere (the page is not theirs)."""
    work_scope(user, Perm.FOLLOWUP_MANAGE)
    return (
        list(follow_ups(user=user, status=FollowUp.Status.OPEN)[:open_rows]),
        list(follow_ups(user=user, status=FollowUp.Status.CLOSED)[:closed_rows]),
    )


def follow_up_get(*, user, pk) -> FollowUp:
    try:
        return follow_ups(user=user, status="").get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def antigen_households(*, user) -> list[Area]:
    """The households the user reports antigen results for by a grant on the door itself (a resident)."""
    paths = scope_paths(user, Perm.ANTIGEN_REPORT)
    households = Area.objects.filter(path__in=paths, kind=AreaKind.HOUSEHOLD).select_related(
        "parent", "parent__parent"
    )
    return sorted(households, key=lambda h: h.path)


@dataclass(frozen=True)
class AntigenReach:
    """For whom the user reports antigen results: their own doors (a resident's grant on the door
    itself), and whether they report for more than those (a leader, staff)."""

    own: list[Area]
    wider: bool


def antigen_reach(*, user) -> AntigenReach:
    """Not found for a role that reports antigen results nowhere: the report page is not theirs."""
    paths = work_scope(user, Perm.ANTIGEN_REPORT)
    own = antigen_households(user=user)
    return AntigenReach(own=own, wider=len(own) < len(paths))


def antigen_household_get(*, user, pk) -> Area:
    """A household the user sees and reports antigen results for; any other is not found."""
    try:
        household = (
            Area.objects.filter(kind=AreaKind.HOUSEHOLD)
            .filter(any_subtree_q(scope_paths(user, Perm.LEDGER_VIEW)))
            .get(pk=pk)
        )
    except (Area.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    if not can(user, Perm.ANTIGEN_REPORT, household.path):
        raise NotFound
    return household


_DIGITS = re.compile(r"\d+")


def antigen_household_find(*, user, query: str, limit: int = 20) -> list[Area]:
    """Doors under the user's antigen scope matching '1-2-501', '1号楼2单元501', '3号楼101' or '501'."""
    numbers = _DIGITS.findall(query or "")
    if not numbers or len(numbers) > 3:
        return []
    queryset = Area.objects.filter(kind=AreaKind.HOUSEHOLD, door=numbers[-1]).filter(
        any_subtree_q(scope_paths(user, Perm.ANTIGEN_REPORT), "path")
    )
    if len(numbers) >= 2:
        building = numbers[0]
        buildings = [
            f"{building}号楼",
            f"{building}栋",
            f"{building}幢",
            f"{building}号",
            building,
            f"Building {building}",
        ]
        if len(numbers) == 3:
            unit = numbers[1]
            queryset = queryset.filter(
                parent__name__in=[f"{unit}单元", f"Unit {unit}", unit], parent__parent__name__in=buildings
            )
        else:
            queryset = queryset.filter(
                Q(parent__name__in=buildings, parent__kind=AreaKind.BUILDING)
                | Q(parent__parent__name__in=buildings)
            )
    return list(queryset.select_related("parent", "parent__parent").order_by("path")[:limit])
