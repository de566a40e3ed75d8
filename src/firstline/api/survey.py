"""API: survey visits (摸排) — record an attempt, list who was never reached, who needs a second visit."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from firstline.api.pagination import page_of
from firstline.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AreaQuery,
    HouseholdDuePage,
    VisitIn,
    VisitOut,
    VulnerablePage,
    VulnerableQuery,
)
from firstline.areas.models import AreaKind
from firstline.areas.selectors import area_get
from firstline.survey import selectors, services

router = Router(tags=["survey"])


@router.post("", response={201: VisitOut, **WRITE_ERRORS}, summary="Record a visit to a household")
def visit_record(request: HttpRequest, payload: VisitIn):
    household = area_get(user=request.user, pk=payload.household_id, kind=AreaKind.HOUSEHOLD)
    visit = services.visit_record(
        acting_user=request.user,
        household=household,
        outcome=payload.outcome,
        channel=payload.channel,
        note=payload.note,
        visited_at=payload.visited_at,
    )
    return Status(201, visit)


@router.get(
    "/never-reached",
    response={200: HouseholdDuePage, **READ_ERRORS},
    summary="Households under an area that no visit has reached yet",
)
def never_reached(request: HttpRequest, query: Query[AreaQuery]):
    area = area_get(user=request.user, pk=query.area)
    return page_of(selectors.households_never_reached(user=request.user, area=area), query)


@router.get(
    "/second-visit",
    response={200: HouseholdDuePage, **READ_ERRORS},
    summary="Households tried at least once and still not reached",
)
def second_visit(request: HttpRequest, query: Query[AreaQuery]):
    area = area_get(user=request.user, pk=query.area)
    return page_of(selectors.households_due_second_visit(user=request.user, area=area), query)


@router.get(
    "/vulnerable",
    response={200: VulnerablePage, **READ_ERRORS},
    summary="People of a vulnerable group under an area, by building, unit and door",
)
def vulnerable(request: HttpRequest, query: Query[VulnerableQuery]):
    area = area_get(user=request.user, pk=query.area)
    return page_of(selectors.vulnerable_by_stairwell(user=request.user, area=area, tag=query.tag), query)
