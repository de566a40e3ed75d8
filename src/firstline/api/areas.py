"""API: the area tree — browse it, add areas and buildings, change and read the risk status, map a
building.
"""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from firstline.api.pagination import PageQuery, page_of
from firstline.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AreaChildPage,
    AreaCreateIn,
    AreaDetailOut,
    AreaOut,
    AreaUpdateIn,
    BuildingCreateIn,
    BuildingMapOut,
    RiskChangePage,
    RiskIn,
)
from firstline.api.types import IdParam
from firstline.areas import selectors, services
from firstline.people.selectors import child_resident_counts
from firstline.survey.selectors import building_map

router = Router(tags=["areas"])


@router.get("", response={200: list[AreaOut], **READ_ERRORS}, summary="Where the user's scope starts")
def area_roots(request: HttpRequest):
    return selectors.area_roots_for(user=request.user)


@router.get("/{int:area_id}", response={200: AreaDetailOut, **READ_ERRORS})
def area_detail(request: HttpRequest, area_id: IdParam):
    area = selectors.area_get(user=request.user, pk=area_id)
    ancestors = selectors.area_ancestors(area=area)
    area.ancestors = ancestors
    area.effective_risk = selectors.area_effective_risk(area=area, ancestors=ancestors)
    return area


@router.get("/{int:area_id}/children", response={200: AreaChildPage, **READ_ERRORS})
def area_children(request: HttpRequest, area_id: IdParam, page: Query[PageQuery]):
    area = selectors.area_get(user=request.user, pk=area_id)
    result = page_of(selectors.area_children(user=request.user, area=area), page)
    counts = child_resident_counts(parent=area)
    for child in result["items"]:
        child.residents = counts.get(child.pk, 0)
    return result


@router.post("/{int:area_id}/children", response={201: AreaOut, **WRITE_ERRORS})
def area_child_create(request: HttpRequest, area_id: IdParam, payload: AreaCreateIn):
    parent = selectors.area_get(user=request.user, pk=area_id)
    fields = payload.dict(exclude={"kind", "name"}, exclude_unset=True)
    area = services.area_create(
        acting_user=request.user, parent=parent, kind=payload.kind, name=payload.name, **fields
    )
    return Status(201, area)


@router.patch(
    "/{int:area_id}",
    response={200: AreaOut, **WRITE_ERRORS},
    summary="Correct an area (only the fields sent)",
)
def area_update(request: HttpRequest, area_id: IdParam, payload: AreaUpdateIn):
    area = selectors.area_get(user=request.user, pk=area_id)
    return services.area_update(acting_user=request.user, area=area, values=payload.dict(exclude_unset=True))


@router.post(
    "/{int:area_id}/buildings",
    response={201: AreaOut, **WRITE_ERRORS},
    summary="Add a building with its units and every door",
)
def building_create(request: HttpRequest, area_id: IdParam, payload: BuildingCreateIn):
    compound = selectors.area_get(user=request.user, pk=area_id)
    building = services.building_create(acting_user=request.user, compound=compound, **payload.dict())
    return Status(201, building)


@router.post("/{int:area_id}/risk", response={200: AreaOut, **WRITE_ERRORS}, summary="Change the risk status")
def area_set_risk(request: HttpRequest, area_id: IdParam, payload: RiskIn):
    area = selectors.area_get(user=request.user, pk=area_id)
    return services.area_set_risk(
        acting_user=request.user, area=area, status=payload.status, reason=payload.reason
    )


@router.get("/{int:area_id}/risk-history", response={200: RiskChangePage, **READ_ERRORS})
def area_risk_history(request: HttpRequest, area_id: IdParam, page: Query[PageQuery]):
    area = selectors.area_get(user=request.user, pk=area_id)
    return page_of(selectors.area_risk_history(user=request.user, area=area), page)


@router.get(
    "/{int:area_id}/map",
    response={200: BuildingMapOut, **READ_ERRORS},
    summary="Every door of a building by unit and floor",
)
def area_map(request: HttpRequest, area_id: IdParam):
    building = selectors.area_get(user=request.user, pk=area_id)
    return building_map(user=request.user, building=building)
