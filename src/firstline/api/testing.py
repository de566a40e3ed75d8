"""API: mass testing (全员核酸) — rounds and their pooling rules, sampling points, scan registration
(one scan, or a batch from a device that was offline), exemptions, tubes and boxes from the point
to the lab, lab results (one by one or a lab's file), coverage and the missing, the building door
by door (what an offline capture device downloads), call-downs, positives, the round's export,
its counts, antigen self-tests and follow-ups.

Scans are idempotent by the id the device made for each one: send a batch again after a timeout
and nothing is stored twice; the answer says, scan by scan, `stored`, `duplicate` or `refused`
with a code and a message that names what is at fault. Lab results answer the same way, per tube.

Handlers only parse, call one selector or service with `acting_user=request.user`, and shape the
answer; errors are mapped once in `api/root.py`.
"""

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from firstline.accounts.roles import Perm
from firstline.api.pagination import page_of
from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS
from firstline.api.testing_schemas import (
    AntigenIn,
    AntigenOut,
    AntigenPage,
    AntigenQuery,
    BoxDetailOut,
    BoxOpenIn,
    BoxPackIn,
    BoxPage,
    BoxPickupIn,
    BoxQuery,
    BoxReceiveIn,
    BoxScanOut,
    BoxTubesIn,
    BuildingRoundOut,
    CallDownIn,
    CallDownOut,
    CallDownPlanOut,
    CallDownQuery,
    CoverageOut,
    DoorToDoorQuery,
    ExemptionIn,
    ExemptionOut,
    ExemptionPage,
    ExportQuery,
    FollowUpCloseIn,
    FollowUpOut,
    FollowUpPage,
    FollowUpQuery,
    MissingPage,
    PointCreateIn,
    PointOut,
    PointQuery,
    PointUpdateIn,
    PoolingIn,
    PoolingOut,
    PositiveTubeOut,
    ReceiptOut,
    ResamplePage,
    ResampleQuery,
    ResultsIn,
    ResultsOut,
    ResultUploadIn,
    ResultUploadOut,
    RoundAreaFilter,
    RoundAreaQuery,
    RoundCreateIn,
    RoundDetailOut,
    RoundOut,
    RoundStatusIn,
    RoundUpdateIn,
    ScanBatchIn,
    ScanBatchOut,
    ScanItemIn,
    ScanOutcomeOut,
    SealedAreaOut,
    SealIn,
    SummaryOut,
    TubeCloseIn,
    TubeDetailOut,
    TubePage,
    TubeQuery,
)
from firstline.api.types import IdParam
from firstline.areas.models import Area, RiskStatus
from firstline.areas.selectors import area_get, door_labels
from firstline.common.errors import NotFound
from firstline.followups import selectors as followups_selectors
from firstline.followups import services as followups_services
from firstline.people.selectors import person_get
from firstline.testing import scope as testing_scope
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.capture.services import (
    CONFLICT,
    DUPLICATE,
    REFUSED,
    STORED,
    ScanIn,
    ScanOutcome,
    normalise_code,
    scans_record,
    tube_close,
)
from firstline.testing.coverage import export
from firstline.testing.coverage import selectors as coverage_selectors
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab import files as lab_files
from firstline.testing.lab import selectors as lab_selectors
from firstline.testing.lab import services as lab_services
from firstline.testing.models import Box, Round, TubeResult
from firstline.testing.rounds import selectors as rounds_selectors
from firstline.testing.rounds import services as rounds_services
from firstline.testing.transport import selectors as transport_selectors
from firstline.testing.transport import services as transport_services

router = Router(tags=["testing"])


# ---------------------------------------------------------------------------------------------
# Rounds


@router.get(
    "/rounds",
    response={200: list[RoundOut], **READ_ERRORS},
    summary="Rounds over the caller's areas, newest first",
)
def round_list(request: HttpRequest):
    return rounds_selectors.rounds_visible(user=request.user).order_by("-date", "-id")[:200]


@router.post(
    "/rounds", response={201: RoundDetailOut, **WRITE_ERRORS}, summary="Plan a round over some areas"
)
def round_create(request: HttpRequest, payload: RoundCreateIn):
    area = area_get(user=request.user, pk=payload.area_id)
    scope = [area_get(user=request.user, pk=pk) for pk in payload.scope] if payload.scope else None
    round = rounds_services.round_create(
        acting_user=request.user,
        area=area,
        name=payload.name,
        date=payload.date,
        scope=scope,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        note=payload.note,
    )
    return Status(201, _with_scope(round))


@router.get("/rounds/{int:round_id}", response={200: RoundDetailOut, **READ_ERRORS})
def round_detail(request: HttpRequest, round_id: IdParam):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    return _with_scope(round)


@router.patch(
    "/rounds/{int:round_id}",
    response={200: RoundDetailOut, **WRITE_ERRORS},
    summary="Correct a round (only the fields sent): name, date, window, note, its areas",
)
def round_update(request: HttpRequest, round_id: IdParam, payload: RoundUpdateIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    scope = _areas(request.user, payload.scope) if payload.scope is not None else None
    round = rounds_services.round_update(
        acting_user=request.user,
        round=round,
        scope=scope,
        values=payload.dict(exclude_unset=True, exclude={"scope"}),
    )
    return _with_scope(round)


def _with_scope(round: Round) -> Round:
    round.scope_areas = testing_scope.round_scope_areas(round)
    return round


def _areas(user, ids: list[int], perm: str = Perm.LEDGER_VIEW) -> list[Area]:
    """The areas the caller named, each one visible to them (else 404), in the order given."""
    return [area_get(user=user, pk=pk, perm=perm) for pk in dict.fromkeys(ids)]


def _area_or_round(user, round: Round, area_id: int | None) -> Area:
    """The area a round's list looks under: the one asked for, or the round's own area."""
    return area_get(user=user, pk=area_id if area_id is not None else round.area_id, perm=Perm.TESTING_VIEW)


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The domain's error with its fields named as this API names them."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


# ---------------------------------------------------------------------------------------------
# Pooling rules


_RISK_ORDER = {
    risk: index
    for index, risk in enumerate(
        [RiskStatus.SEALED, RiskStatus.CONTROLLED, RiskStatus.PRECAUTION, RiskStatus.NORMAL]
    )
}


def _pooling(round: Round) -> dict:
    rules = rounds_selectors.round_pooling_rules(round=round)
    by_risk = sorted((r for r in rules if not r.area_id), key=lambda r: _RISK_ORDER.get(r.risk_status, 99))
    return {"by_risk": by_risk, "by_area": sorted((r for r in rules if r.area_id), key=lambda r: r.area.path)}


@router.get(
    "/rounds/{int:round_id}/pooling",
    response={200: PoolingOut, **READ_ERRORS},
    summary="How many people share a tube: by risk status, and the areas with a rule of their own",
)
def pooling_get(request: HttpRequest, round_id: IdParam):
    return _pooling(rounds_selectors.round_get(user=request.user, pk=round_id))


@router.put(
    "/rounds/{int:round_id}/pooling",
    response={200: PoolingOut, **WRITE_ERRORS},
    summary="Replace the pooling rules (new tubes follow them; tubes already opened keep theirs)",
)
def pooling_set(request: HttpRequest, round_id: IdParam, payload: PoolingIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    risks = [rule.risk_status for rule in payload.by_risk]
    if len(set(risks)) != len(risks):
        raise ValidationError({"by_risk": [_("Give one rule per risk status.")]})
    areas = {area.pk: area for area in _areas(request.user, [rule.area_id for rule in payload.by_area])}
    rounds_services.pooling_rules_set(
        acting_user=request.user,
        round=round,
        by_risk={rule.risk_status: (rule.capacity, rule.per_household) for rule in payload.by_risk},
        by_area=[(areas[rule.area_id], rule.capacity, rule.per_household) for rule in payload.by_area],
    )
    return _pooling(round)


@router.post(
    "/rounds/{int:round_id}/status",
    response={200: RoundDetailOut, **WRITE_ERRORS},
    summary="Open a planned round or close an open one",
)
def round_status(request: HttpRequest, round_id: IdParam, payload: RoundStatusIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    return _with_scope(
        rounds_services.round_set_status(acting_user=request.user, round=round, status=payload.status)
    )


# ---------------------------------------------------------------------------------------------
# Scans


def _scan_in(item: ScanItemIn) -> ScanIn:
    return ScanIn(
        client_id=item.client_id,
        kind=item.kind,
        tube_code=item.tube_code,
        person_code=item.person_code,
        person_id=item.person_id,
        id_number=item.id_number,
        point_id=item.point_id,
        desk=item.desk,
        door_to_door=item.door_to_door,
        scanned_at=item.scanned_at,
    )


def _outcome(outcome: ScanOutcome) -> dict:
    tube = outcome.tube
    return {
        "client_id": outcome.client_id,
        "status": outcome.status,
        "code": outcome.code,
        "message": outcome.message,
        "tube": None
        if tube is None
        else {
            "code": tube.code,
            "capacity": tube.capacity,
            "filled": tube.filled,
            "status": tube.status,
            "places_left": tube.places_left,
            "per_household": tube.per_household,
            "for_resample": tube.for_resample,
        },
        "people": [
            {
                "sample_id": p.sample_id,
                "status": p.status,
                "person_id": p.person_id,
                "name": p.name,
                "door": p.door,
                "purpose": p.purpose,
                "out_of_scope": p.out_of_scope,
                "code": p.code,
                "message": p.message,
            }
            for p in outcome.people
        ],
    }


@router.post(
    "/rounds/{int:round_id}/scans",
    response={200: ScanOutcomeOut, **WRITE_ERRORS},
    summary="Register one scan (a desk online)",
)
def scan_one(request: HttpRequest, round_id: IdParam, payload: ScanItemIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    (outcome,) = scans_record(acting_user=request.user, round=round, scans=[_scan_in(payload)])
    return HttpResponse(json.dumps(_outcome(outcome), ensure_ascii=False), content_type="application/json")


@router.post(
    "/rounds/{int:round_id}/scans/batch",
    response={200: ScanBatchOut, **WRITE_ERRORS},
    summary="Register a batch of scans (a device coming back online); idempotent by client_id",
)
def scan_batch(request: HttpRequest, round_id: IdParam, payload: ScanBatchIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    outcomes = scans_record(
        acting_user=request.user, round=round, scans=[_scan_in(item) for item in payload.scans]
    )
    body = {
        "stored": sum(o.status == STORED for o in outcomes),
        "duplicates": sum(o.status == DUPLICATE for o in outcomes),
        "refused": sum(o.status == REFUSED for o in outcomes),
        "conflicts": sum(o.status == CONFLICT for o in outcomes),
        "outcomes": [_outcome(o) for o in outcomes],
    }
    # Built by hand: a batch of 10,000 answers is serialised in one pass, not validated field by field.
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


@router.post(
    "/rounds/{int:round_id}/tubes/{tube_code}/close",
    response={200: ScanOutcomeOut, **WRITE_ERRORS},
    summary="Close a tube before it is full (the end of a family, a unit, the day)",
)
def tube_close_early(request: HttpRequest, round_id: IdParam, tube_code: str, payload: TubeCloseIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    return _outcome(
        tube_close(acting_user=request.user, round=round, tube_code=tube_code, client_id=payload.client_id)
    )


# ---------------------------------------------------------------------------------------------
# Sampling points


@router.get(
    "/points",
    response={200: list[PointOut], **READ_ERRORS},
    summary="Sampling points the caller sees (of their compounds, or those their buildings go to)",
)
def point_list(request: HttpRequest, query: Query[PointQuery]):
    points = (
        rounds_selectors.points_visible(user=request.user)
        .prefetch_related("serves")
        .order_by("compound__path", "name")
    )
    if query.compound is not None:
        points = points.filter(compound_id=query.compound)
    return points


@router.post(
    "/points", response={201: PointOut, **WRITE_ERRORS}, summary="Open a sampling point in a compound"
)
def point_create(request: HttpRequest, payload: PointCreateIn):
    compound = area_get(user=request.user, pk=payload.compound_id, perm=Perm.TESTING_VIEW)
    serves = _areas(request.user, payload.serves, perm=Perm.TESTING_VIEW)
    point = rounds_services.sampling_point_create(
        acting_user=request.user,
        compound=compound,
        serves=serves,
        values=payload.dict(exclude_unset=True, exclude={"compound_id", "serves"}),
    )
    return Status(201, point)


@router.patch(
    "/points/{int:point_id}",
    response={200: PointOut, **WRITE_ERRORS},
    summary="Change a sampling point (only the fields sent)",
)
def point_update(request: HttpRequest, point_id: IdParam, payload: PointUpdateIn):
    point = rounds_selectors.point_get(user=request.user, pk=point_id)
    serves = (
        _areas(request.user, payload.serves, perm=Perm.TESTING_VIEW) if payload.serves is not None else None
    )
    return rounds_services.sampling_point_update(
        acting_user=request.user,
        point=point,
        serves=serves,
        values=payload.dict(exclude_unset=True, exclude={"serves"}),
    )


@router.get(
    "/rounds/{int:round_id}/points",
    response={200: list[PointOut], **READ_ERRORS},
    summary="The active points that serve the round's areas",
)
def round_points(request: HttpRequest, round_id: IdParam):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    return rounds_selectors.points_for_round(user=request.user, round=round).prefetch_related("serves")


# ---------------------------------------------------------------------------------------------
# Exemptions


@router.get(
    "/rounds/{int:round_id}/exemptions",
    response={200: ExemptionPage, **READ_ERRORS},
    summary="Who is not expected in the round and why, by door",
)
def exemption_list(request: HttpRequest, round_id: IdParam, query: Query[RoundAreaQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    area = _area_or_round(request.user, round, query.area)
    return page_of(coverage_selectors.round_exempt(user=request.user, round=round, area=area), query)


@router.post(
    "/rounds/{int:round_id}/exemptions",
    response={201: ExemptionOut, **WRITE_ERRORS},
    summary="Say why a person is not sampled in this round (sent again, it replaces the reason)",
)
def exemption_set(request: HttpRequest, round_id: IdParam, payload: ExemptionIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    person = person_get(user=request.user, pk=payload.person_id)
    exemption = coverage_services.exemption_set(
        acting_user=request.user, round=round, person=person, reason=payload.reason, note=payload.note
    )
    return Status(201, exemption)


@router.delete(
    "/exemptions/{int:exemption_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an exemption: the person is expected again",
)
def exemption_remove(request: HttpRequest, exemption_id: IdParam):
    exemption = coverage_selectors.exemption_get(user=request.user, pk=exemption_id)
    coverage_services.exemption_remove(acting_user=request.user, exemption=exemption)
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Tubes


def _tube_code(raw: str) -> str:
    """A tube code from a path, as printed ('tg0012-34' -> 'TG0012-34'); a code no tube can have is not
    found.
    """
    try:
        return normalise_code(raw)
    except ValidationError:
        raise NotFound from None


@router.get(
    "/rounds/{int:round_id}/tubes",
    response={200: TubePage, **READ_ERRORS},
    summary="The round's tubes the caller sees, newest first",
)
def tube_list(request: HttpRequest, round_id: IdParam, query: Query[TubeQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    tubes = capture_selectors.round_tubes(
        user=request.user, round=round, status=query.status or "", result=query.result or ""
    )
    return page_of(tubes, query)


@router.get(
    "/tubes/{tube_code}",
    response={200: TubeDetailOut, **READ_ERRORS},
    summary="A tube and who is in it (names only where the caller sees the ledger; a lab sees no people)",
)
def tube_detail(request: HttpRequest, tube_code: str):
    tube, people = capture_selectors.tube_with_people(user=request.user, code=_tube_code(tube_code))
    tube.people = people
    return tube


@router.post(
    "/tubes/{tube_code}/seal",
    response={200: list[SealedAreaOut], **WRITE_ERRORS},
    summary="Seal the households, units or buildings of a positive tube's people in one action",
)
def tube_seal(request: HttpRequest, tube_code: str, payload: SealIn):
    tube = capture_selectors.tube_get(user=request.user, code=_tube_code(tube_code))
    return lab_services.positive_seal(acting_user=request.user, tube=tube, level=payload.level)


# ---------------------------------------------------------------------------------------------
# Boxes: packed at the point, picked up, received at the lab


def _box(user, code: str) -> Box:
    """A box the caller sees: through the testing right, or as the lab it goes to."""
    code = _tube_code(code)
    try:
        return transport_selectors.box_get(user=user, code=code)
    except NotFound:
        return transport_selectors.box_get(user=user, code=code, perm=Perm.TESTING_LAB)


def _box_detail(box: Box) -> Box:
    box.tube_list = list(transport_selectors.box_tubes(box=box))
    box.tubes_in = len(box.tube_list)
    box.hand_offs = list(transport_selectors.box_events(box=box))
    return box


@router.get(
    "/rounds/{int:round_id}/boxes",
    response={200: BoxPage, **READ_ERRORS},
    summary="The round's boxes with their tube counts and hand-offs, newest first",
)
def box_list(request: HttpRequest, round_id: IdParam, query: Query[BoxQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    boxes = transport_selectors.round_boxes_trail(user=request.user, round=round)
    if query.status:
        boxes = boxes.filter(status=query.status)
    page = page_of(boxes, query)
    for box in page["items"]:
        box.hand_offs = list(box.events.all())
    return page


@router.post(
    "/rounds/{int:round_id}/boxes",
    response={201: BoxDetailOut, **WRITE_ERRORS},
    summary="Start packing a box at a point (or, door to door, for an area); the same box again returns it",
)
def box_open(request: HttpRequest, round_id: IdParam, payload: BoxOpenIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    point = (
        rounds_selectors.point_get(user=request.user, pk=payload.point_id)
        if payload.point_id is not None
        else None
    )
    area = (
        area_get(user=request.user, pk=payload.area_id, perm=Perm.TESTING_VIEW)
        if payload.area_id is not None
        else None
    )
    box = transport_services.box_open(
        acting_user=request.user, round=round, code=payload.code, point=point, area=area
    )
    return Status(201, _box_detail(box))


@router.get(
    "/boxes/{box_code}",
    response={200: BoxDetailOut, **READ_ERRORS},
    summary="A box: its tubes and every hand-off with who and when",
)
def box_detail(request: HttpRequest, box_code: str):
    return _box_detail(_box(request.user, box_code))


@router.post(
    "/boxes/{box_code}/tubes",
    response={200: BoxScanOut, **WRITE_ERRORS},
    summary="Scan tubes into a box being packed (an open tube is closed as it goes in)",
)
def box_add_tubes(request: HttpRequest, box_code: str, payload: BoxTubesIn):
    box = _box(request.user, box_code)
    return transport_services.box_add_tubes(acting_user=request.user, box=box, tube_codes=payload.tube_codes)


@router.delete(
    "/boxes/{box_code}/tubes/{tube_code}",
    response={204: None, **WRITE_ERRORS},
    summary="Take a tube out of a box still being packed",
)
def box_remove_tube(request: HttpRequest, box_code: str, tube_code: str):
    box = _box(request.user, box_code)
    transport_services.box_remove_tube(acting_user=request.user, box=box, tube_code=tube_code)
    return Status(204, None)


@router.post(
    "/boxes/{box_code}/pack",
    response={200: BoxDetailOut, **WRITE_ERRORS},
    summary="Seal the box: the tubes counted by hand must match the tubes scanned into it",
)
def box_pack(request: HttpRequest, box_code: str, payload: BoxPackIn):
    box = transport_services.box_pack(
        acting_user=request.user, box=_box(request.user, box_code), counted=payload.counted
    )
    return _box_detail(box)


@router.post(
    "/boxes/{box_code}/pickup",
    response={200: BoxDetailOut, **WRITE_ERRORS},
    summary="A courier takes the packed box from the point (their name and phone kept on the hand-off)",
)
def box_pick_up(request: HttpRequest, box_code: str, payload: BoxPickupIn):
    box = transport_services.box_pick_up(
        acting_user=request.user,
        box=_box(request.user, box_code),
        counted=payload.counted,
        courier_name=payload.courier_name,
        courier_phone=payload.courier_phone,
    )
    return _box_detail(box)


@router.post(
    "/boxes/{box_code}/receive",
    response={200: ReceiptOut, **WRITE_ERRORS},
    summary="The lab takes the box in, by count or tube by tube (tubes not in the box are named)",
)
def box_receive(request: HttpRequest, box_code: str, payload: BoxReceiveIn):
    receipt = transport_services.box_receive(
        acting_user=request.user,
        box=_box(request.user, box_code),
        counted=payload.counted,
        tube_codes=payload.tube_codes,
        note=payload.note,
    )
    return {
        "box": _box_detail(receipt.box),
        "received": receipt.received,
        "missing": receipt.missing,
        "unexpected": receipt.unexpected,
    }


# ---------------------------------------------------------------------------------------------
# Lab results


@router.post(
    "/results",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="A lab's results, one per tube; the same result again is a duplicate, a different one is refused",
)
def results_post(request: HttpRequest, payload: ResultsIn):
    outcomes = lab_services.results_report(
        acting_user=request.user,
        source=TubeResult.Source.API,
        results=[
            lab_services.ResultIn(
                tube_code=item.tube_code,
                result=item.result,
                reported_at=item.reported_at,
                source_ref=item.source_ref,
            )
            for item in payload.results
        ],
    )
    return {
        "stored": sum(o.status == STORED for o in outcomes),
        "duplicates": sum(o.status == DUPLICATE for o in outcomes),
        "refused": sum(o.status == REFUSED for o in outcomes),
        "outcomes": outcomes,
    }


@router.post(
    "/results/upload",
    response={201: ResultUploadOut, **WRITE_ERRORS},
    summary="A lab's file of results (CSV or XLSX): every row stored or refused with its row number",
)
def results_upload(request: HttpRequest, payload: Form[ResultUploadIn], file: File[UploadedFile]):
    mapping = None
    if payload.mapping.strip():
        try:
            mapping = json.loads(payload.mapping)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValidationError({"mapping": [_("Give the mapping as a JSON object {header: field}.")]})
    upload = lab_files.results_upload(
        acting_user=request.user,
        filename=file.name or "results.csv",
        data=file.read(),
        mapping=mapping,
        save_as=payload.save_as,
    )
    return Status(201, upload)


@router.get(
    "/results/uploads/{int:upload_id}",
    response={200: ResultUploadOut, **READ_ERRORS},
    summary="One of the caller's lab files: its counts and refused rows",
)
def results_upload_detail(request: HttpRequest, upload_id: IdParam):
    return lab_selectors.result_upload_get(user=request.user, pk=upload_id)


# ---------------------------------------------------------------------------------------------
# Coverage, the missing, a building door by door


@router.get(
    "/rounds/{int:round_id}/coverage",
    response={200: CoverageOut, **READ_ERRORS},
    summary="Expected, sampled, exempt and missing under an area, and for each of its children",
)
def coverage(request: HttpRequest, round_id: IdParam, query: Query[RoundAreaFilter]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    area = _area_or_round(request.user, round, query.area)
    return coverage_selectors.round_coverage(user=request.user, round=round, area=area)


@router.get(
    "/rounds/{int:round_id}/missing",
    response={200: MissingPage, **READ_ERRORS},
    summary="People under an area not sampled yet and not exempt, by building, unit and door",
)
def missing(request: HttpRequest, round_id: IdParam, query: Query[RoundAreaQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    area = _area_or_round(request.user, round, query.area)
    return page_of(coverage_selectors.round_missing(user=request.user, round=round, area=area), query)


@router.get(
    "/rounds/{int:round_id}/buildings/{int:building_id}",
    response={200: BuildingRoundOut, **READ_ERRORS},
    summary="Every door of a building with each resident's state in the round, floors top down",
)
def round_building(request: HttpRequest, round_id: IdParam, building_id: IdParam):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    building = area_get(user=request.user, pk=building_id, perm=Perm.TESTING_VIEW)
    return coverage_selectors.round_building(user=request.user, round=round, building=building)


@router.get(
    "/rounds/{int:round_id}/door-to-door/{int:building_id}",
    response={200: BuildingRoundOut, **READ_ERRORS},
    summary="The doors of a building where someone is owed a swab at the door, floors bottom up",
)
def door_to_door(
    request: HttpRequest, round_id: IdParam, building_id: IdParam, query: Query[DoorToDoorQuery]
):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    building = area_get(user=request.user, pk=building_id, perm=Perm.TESTING_VIEW)
    return capture_selectors.door_to_door_list(
        user=request.user, round=round, building=building, everyone=query.everyone
    )


# ---------------------------------------------------------------------------------------------
# Call-downs


@router.get(
    "/rounds/{int:round_id}/call-downs",
    response={200: CallDownPlanOut, **READ_ERRORS},
    summary="Waves of stairwells for a point, sized to its queue and timed from its desks",
)
def call_down_plan(request: HttpRequest, round_id: IdParam, query: Query[CallDownQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    point = rounds_selectors.point_get(user=request.user, pk=query.point)
    return coverage_selectors.call_down_plan(user=request.user, round=round, point=point)


@router.post(
    "/rounds/{int:round_id}/call-downs",
    response={201: CallDownOut, **WRITE_ERRORS},
    summary="Call a wave of stairwells down to a point; the message goes to their leaders",
)
def call_down_issue(request: HttpRequest, round_id: IdParam, payload: CallDownIn):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    point = rounds_selectors.point_get(user=request.user, pk=payload.point_id)
    stairwells = _areas(request.user, payload.stairwell_ids, perm=Perm.TESTING_VIEW)
    try:
        call = coverage_services.call_down_issue(
            acting_user=request.user,
            round=round,
            point=point,
            stairwells=stairwells,
            people_expected=payload.people_expected,
        )
    except ValidationError as exc:
        raise _renamed(exc, {"stairwells": "stairwell_ids"}) from None
    return Status(201, call)


# ---------------------------------------------------------------------------------------------
# Positives and re-samples


@router.get(
    "/rounds/{int:round_id}/positives",
    response={200: list[PositiveTubeOut], **READ_ERRORS},
    summary="Positive tubes with each person's re-sample state and their doors' risk status",
)
def positives(request: HttpRequest, round_id: IdParam):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    return lab_selectors.round_positives(user=request.user, round=round)


def _with_doors(items: list) -> list:
    """Each item gets `door_label` ('1号楼2单元501') from its household, in one query for the page."""
    labels = door_labels(household_ids={item.household_id for item in items if item.household_id})
    for item in items:
        item.door_label = labels.get(item.household_id, "")
    return items


@router.get(
    "/rounds/{int:round_id}/resample-tasks",
    response={200: ResamplePage, **READ_ERRORS},
    summary="People of positive pools to re-sample alone at their door, by door",
)
def resample_tasks(request: HttpRequest, round_id: IdParam, query: Query[ResampleQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    status = "" if query.status == "all" else query.status
    page = page_of(lab_selectors.resample_tasks(user=request.user, round=round, status=status), query)
    _with_doors(page["items"])
    return page


# ---------------------------------------------------------------------------------------------
# Export and counts


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/rounds/{int:round_id}/export.xlsx",
    response={200: None, **WRITE_ERRORS},
    summary="The round under an area as XLSX for the health authority: masked unless asked (audited)",
)
def round_export(request: HttpRequest, round_id: IdParam, query: Query[ExportQuery]):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    area = _area_or_round(request.user, round, query.area)
    data, _samples = export.round_export(
        acting_user=request.user, round=round, area=area, unmasked=query.unmasked
    )
    response = HttpResponse(data, content_type=_XLSX)
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}-area-{area.pk}.xlsx"'
    return response


@router.get(
    "/rounds/{int:round_id}/summary",
    response={200: SummaryOut, **READ_ERRORS},
    summary="Coverage, samples, tubes, boxes and re-samples of the part of the round the caller sees",
)
def round_summary(request: HttpRequest, round_id: IdParam):
    round = rounds_selectors.round_get(user=request.user, pk=round_id)
    totals = coverage_selectors.round_totals(user=request.user, round=round)
    counts = coverage_selectors.round_counts(user=request.user, round=round)
    return {
        "round_id": round.pk,
        "expected": totals.expected,
        "sampled": totals.sampled,
        "exempt": totals.exempt,
        "missing": totals.missing,
        "percent": totals.percent,
        "samples": counts.samples,
        "tubes_open": counts.tubes_open,
        "tubes_closed": counts.tubes_closed,
        "tubes_received": counts.tubes_received,
        "results": counts.results,
        "boxes": counts.boxes,
        "resample_open": counts.resample_open,
        "resample_done": counts.resample_done,
        "exemptions": counts.exemptions,
    }


# ---------------------------------------------------------------------------------------------
# Antigen self-tests and follow-ups


@router.post(
    "/antigen",
    response={201: AntigenOut, **WRITE_ERRORS},
    summary="Report a household's antigen self-test; the same form (client_key) sent twice is stored once",
)
def antigen_report(request: HttpRequest, payload: AntigenIn):
    household = area_get(user=request.user, pk=payload.household_id)
    person = person_get(user=request.user, pk=payload.person_id) if payload.person_id is not None else None
    report = followups_services.antigen_report(
        acting_user=request.user,
        household=household,
        result=payload.result,
        client_key=payload.client_key,
        person=person,
        taken_at=payload.taken_at,
        note=payload.note,
    )
    return Status(201, _with_doors([report])[0])


@router.get(
    "/antigen",
    response={200: AntigenPage, **READ_ERRORS},
    summary="Antigen self-tests reported under an area, newest first",
)
def antigen_list(request: HttpRequest, query: Query[AntigenQuery]):
    area = area_get(user=request.user, pk=query.area)
    page = page_of(followups_selectors.antigen_reports(user=request.user, area=area), query)
    _with_doors(page["items"])
    return page


@router.get(
    "/follow-ups",
    response={200: FollowUpPage, **READ_ERRORS},
    summary="People to follow up after a positive (antigen or single tube), newest first",
)
def follow_up_list(request: HttpRequest, query: Query[FollowUpQuery]):
    status = "" if query.status == "all" else query.status
    follow_ups = followups_selectors.follow_ups(user=request.user, status=status).select_related("closed_by")
    page = page_of(follow_ups, query)
    _with_doors(page["items"])
    return page


@router.post(
    "/follow-ups/{int:follow_up_id}/close",
    response={200: FollowUpOut, **WRITE_ERRORS},
    summary="Close a follow-up, saying how it ended",
)
def follow_up_close(request: HttpRequest, follow_up_id: IdParam, payload: FollowUpCloseIn):
    follow_up = followups_selectors.follow_up_get(user=request.user, pk=follow_up_id)
    follow_up = followups_services.follow_up_close(
        acting_user=request.user, follow_up=follow_up, note=payload.note
    )
    return _with_doors([follow_up])[0]
