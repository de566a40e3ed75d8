"""API: mass testing (全员核酸) — rounds, scan registration (one scan, or a batch from a device that
was offline), and everything that follows a round (see the routes below).

Scans are idempotent by the id the device made for each one: send a batch again after a timeout
and nothing is stored twice; the answer says, scan by scan, `stored`, `duplicate` or `refused`
with a code and a message that names what is at fault.
"""

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.responses import Status

from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS
from firstline.api.testing_schemas import (
    RoundCreateIn,
    RoundOut,
    RoundStatusIn,
    ScanBatchIn,
    ScanBatchOut,
    ScanItemIn,
    ScanOutcomeOut,
)
from firstline.areas.selectors import area_get
from firstline.testing import selectors, services
from firstline.testing.scanning import DUPLICATE, REFUSED, STORED, ScanIn, ScanOutcome, scans_record

router = Router(tags=["testing"])


# ---------------------------------------------------------------------------------------------
# Rounds


@router.get("/rounds", response={200: list[RoundOut], **READ_ERRORS}, summary="Rounds over the caller's areas, newest first")
def round_list(request: HttpRequest):
    return selectors.rounds_visible(user=request.user).order_by("-date", "-id")[:200]


@router.post("/rounds", response={201: RoundOut, **WRITE_ERRORS}, summary="Plan a round over some areas")
def round_create(request: HttpRequest, payload: RoundCreateIn):
    area = area_get(user=request.user, pk=payload.area_id)
    scope = [area_get(user=request.user, pk=pk) for pk in payload.scope] if payload.scope else None
    round = services.round_create(
        acting_user=request.user, area=area, name=payload.name, date=payload.date, scope=scope,
        starts_at=payload.starts_at, ends_at=payload.ends_at, note=payload.note,
    )
    return Status(201, round)


@router.get("/rounds/{int:round_id}", response={200: RoundOut, **READ_ERRORS})
def round_detail(request: HttpRequest, round_id: int):
    return selectors.round_get(user=request.user, pk=round_id)


@router.post("/rounds/{int:round_id}/status", response={200: RoundOut, **WRITE_ERRORS},
             summary="Open a planned round or close an open one")
def round_status(request: HttpRequest, round_id: int, payload: RoundStatusIn):
    round = selectors.round_get(user=request.user, pk=round_id)
    return services.round_set_status(acting_user=request.user, round=round, status=payload.status)


# ---------------------------------------------------------------------------------------------
# Scans


def _scan_in(item: ScanItemIn) -> ScanIn:
    return ScanIn(
        client_id=item.client_id, kind=item.kind, tube_code=item.tube_code, person_code=item.person_code,
        person_id=item.person_id, id_number=item.id_number, point_id=item.point_id, desk=item.desk,
        door_to_door=item.door_to_door, scanned_at=item.scanned_at,
    )


def _outcome(outcome: ScanOutcome) -> dict:
    tube = outcome.tube
    return {
        "client_id": outcome.client_id, "status": outcome.status, "code": outcome.code, "message": outcome.message,
        "tube": None if tube is None else {
            "code": tube.code, "capacity": tube.capacity, "filled": tube.filled, "status": tube.status,
            "places_left": tube.places_left, "per_household": tube.per_household, "for_resample": tube.for_resample,
        },
        "people": [
            {"sample_id": p.sample_id, "status": p.status, "person_id": p.person_id, "name": p.name, "door": p.door,
             "purpose": p.purpose, "out_of_scope": p.out_of_scope, "code": p.code, "message": p.message}
            for p in outcome.people
        ],
    }


@router.post("/rounds/{int:round_id}/scans", response={200: ScanOutcomeOut, **WRITE_ERRORS},
             summary="Register one scan (a desk online)")
def scan_one(request: HttpRequest, round_id: int, payload: ScanItemIn):
    round = selectors.round_get(user=request.user, pk=round_id)
    (outcome,) = scans_record(acting_user=request.user, round=round, scans=[_scan_in(payload)])
    return HttpResponse(json.dumps(_outcome(outcome), ensure_ascii=False), content_type="application/json")


@router.post("/rounds/{int:round_id}/scans/batch", response={200: ScanBatchOut, **WRITE_ERRORS},
             summary="Register a batch of scans (a device coming back online); idempotent by client_id")
def scan_batch(request: HttpRequest, round_id: int, payload: ScanBatchIn):
    round = selectors.round_get(user=request.user, pk=round_id)
    outcomes = scans_record(acting_user=request.user, round=round, scans=[_scan_in(item) for item in payload.scans])
    body = {
        "stored": sum(o.status == STORED for o in outcomes),
        "duplicates": sum(o.status == DUPLICATE for o in outcomes),
        "refused": sum(o.status == REFUSED for o in outcomes),
        "outcomes": [_outcome(o) for o in outcomes],
    }
    # Built by hand: a batch of 10,000 answers is serialised in one pass, not validated field by field.
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
