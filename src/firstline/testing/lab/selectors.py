"""Reads for the lab and what its results set off: boxes to receive, result uploads and saved column
mappings, positive tubes with their people, and the re-sample tasks a positive pool opens.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths, work_scope
from firstline.areas.models import Area, AreaKind
from firstline.areas.selectors import door_labels
from firstline.common.errors import NotFound
from firstline.common.identity import mask_name
from firstline.common.paths import ancestor_paths, any_subtree_q, is_within
from firstline.testing.capture.services import normalise_code
from firstline.testing.models import (
    Box,
    LabMapping,
    ResampleTask,
    ResultKind,
    ResultUpload,
    Round,
    Sample,
    Tube,
)
from firstline.testing.rounds.rules import RoundRules
from firstline.testing.scope import visible_paths
from firstline.testing.transport.selectors import box_get, boxes_visible

# --------------------------------------------------------------------------------------------
# The lab's pages


def lab_boxes(*, user, status: str = "") -> QuerySet[Box]:
    """Boxes a lab may receive (or has received), newest first, with their tube counts. Not found
    for one who is no lab: the lab's pages are not theirs."""
    work_scope(user, Perm.TESTING_LAB)
    queryset = boxes_visible(user=user, perm=Perm.TESTING_LAB).exclude(status=Box.Status.PACKING)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(
        tubes_in=Count("tubes"), tubes_resulted=Count("tubes", filter=~Q(tubes__result=ResultKind.PENDING))
    ).order_by("-created_at", "-id")


def result_uploads(*, user, limit: int = 20) -> QuerySet[ResultUpload]:
    """The lab files this user uploaded, newest first (an upload belongs to no area: only its uploader
    reads it).
    """
    if not scope_paths(user, Perm.TESTING_LAB):
        return ResultUpload.objects.none()
    return ResultUpload.objects.filter(uploaded_by=user).order_by("-uploaded_at", "-id")[:limit]


def result_upload_get(*, user, pk) -> ResultUpload:
    if not scope_paths(user, Perm.TESTING_LAB):
        raise NotFound
    try:
        return ResultUpload.objects.get(pk=pk, uploaded_by=user)
    except (ResultUpload.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def lab_box_by_code(*, user, code: str) -> Box | None:
    """The box a lab scans or types the code of: None when the code is no box code or names no box
    the lab may receive (the page says so beside the scan box)."""
    try:
        return box_get(user=user, code=normalise_code(code), perm=Perm.TESTING_LAB)
    except (NotFound, ValidationError):
        return None


def lab_mapping_names(*, user) -> list[str]:
    """Names of the saved lab column mappings (labs' names), for a lab user to pick from. Not found
    for one who is no lab: the upload page is not theirs."""
    work_scope(user, Perm.TESTING_LAB)
    return list(LabMapping.objects.order_by("name").values_list("name", flat=True))


# --------------------------------------------------------------------------------------------
# Positives and re-samples


@dataclass
class PositiveTube:
    tube: Tube
    people: list[dict]


def round_positives(*, user, round: Round) -> list[PositiveTube]:
    """Positive tubes of the round with each person's re-sample state and their doors' risk status."""
    paths = scope_paths(user, Perm.TESTING_VIEW)
    # A tube is shown where it was filled, and to the leaders of the doors of the people in it.
    holds_ours = Exists(
        Sample.objects.filter(tube=OuterRef("pk")).filter(any_subtree_q(paths, "household_path"))
    )
    tubes = list(
        Tube.objects.filter(round=round, result=ResultKind.POSITIVE)
        .filter(any_subtree_q(paths, "area_path") | Q(holds_ours))
        .select_related("point")
        .order_by("-id")
    )
    samples = list(
        Sample.objects.filter(tube__in=tubes).select_related("person").order_by("household_path", "person_id")
    )
    ledger = scope_paths(user, Perm.LEDGER_VIEW)
    person_ids = [s.person_id for s in samples]
    tasks = {
        t.person_id: t
        for t in ResampleTask.objects.filter(round=round, person_id__in=person_ids)
        .select_related("resample__tube")
        .order_by("id")
    }
    labels = door_labels(household_ids={s.household_id for s in samples if s.household_id})
    rules = RoundRules(round)
    rules.load_risks([s.household_path for s in samples])
    by_tube = defaultdict(list)
    for sample in samples:
        task = tasks.get(sample.person_id)
        if not (sample.household_path and is_within(sample.household_path, ledger)):
            # Someone from a door the user does not look after: counted, not named.
            sample.person.name = mask_name(sample.person.name)
            sample.household_id = None
        by_tube[sample.tube_id].append(
            {
                "sample": sample,
                "person": sample.person,
                "door": labels.get(sample.household_id, ""),
                "household_id": sample.household_id,
                "task": task,
                "resample_state": task.resample.state if task and task.resample else "",
                "risk": rules.effective_risk(sample.household_path) if sample.household_path else "",
            }
        )
    return [PositiveTube(tube=t, people=by_tube.get(t.pk, [])) for t in tubes]


def resample_tasks(*, user, round: Round, status: str = ResampleTask.Status.OPEN) -> QuerySet[ResampleTask]:
    paths = visible_paths(user=user, round=round)
    queryset = ResampleTask.objects.filter(round=round).filter(any_subtree_q(paths, "household_path"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("person", "household", "pool_sample__tube").order_by(
        "household_path", "id"
    )


@dataclass
class BuildingTasks:
    building: Area | None
    tasks: list[ResampleTask]


def resample_tasks_by_building(*, user, round: Round) -> list[BuildingTasks]:
    """The open re-sample tasks the user sees, grouped by building (two queries after the scope)."""
    tasks = list(resample_tasks(user=user, round=round))
    prefixes = {p for t in tasks if t.household_path for p in ancestor_paths(t.household_path)}
    buildings = (
        {b.path: b for b in Area.objects.filter(path__in=prefixes, kind=AreaKind.BUILDING)}
        if prefixes
        else {}
    )
    grouped: dict[str, BuildingTasks] = {}
    for task in tasks:
        path = next((p for p in ancestor_paths(task.household_path or "") if p in buildings), "")
        grouped.setdefault(path, BuildingTasks(building=buildings.get(path), tasks=[])).tasks.append(task)
    return [grouped[path] for path in sorted(grouped)]
