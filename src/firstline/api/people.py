"""API: the household ledger — find, read, register and correct people; reveal an ID number (audited)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from firstline.api.pagination import page_of
from firstline.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    EndResidenceIn,
    MemberOut,
    MergeIn,
    MoveIn,
    PersonDetailOut,
    PersonRegisterIn,
    PersonSearchIn,
    PersonSearchPage,
    PersonSearchQuery,
    PersonUpdateIn,
    ResidenceOut,
    RevealIn,
    RevealOut,
    VulnerabilitiesIn,
)
from firstline.api.types import IdParam
from firstline.areas.models import AreaKind
from firstline.areas.selectors import area_get
from firstline.people import selectors, services

router = Router(tags=["people"])


def _search(request: HttpRequest, query: PersonSearchQuery | PersonSearchIn) -> dict:
    # The selector caps its own result; ask for everything up to the end of this page (plus one).
    kind, found = selectors.person_search(
        user=request.user, query=query.q, limit=query.offset + query.limit + 1
    )
    return {**page_of(found, query), "query_kind": kind}


@router.post(
    "/search",
    response={200: PersonSearchPage, **READ_ERRORS},
    summary="Find people by ID number, phone, door or name (the query in the body)",
)
def person_search_posted(request: HttpRequest, payload: PersonSearchIn):
    return _search(request, payload)


@router.get(
    "/search",
    response={200: PersonSearchPage, **READ_ERRORS},
    summary="Find people by door or name (a link may carry these; ID numbers and phones are POSTed)",
)
def person_search(request: HttpRequest, query: Query[PersonSearchQuery]):
    if selectors.query_is_private(query.q):
        # Refused without repeating it. The address has reached the logs already; the answer says
        # how to keep the next one out of them.
        raise ValidationError(
            {
                "q": [
                    _(
                        "An ID number or a phone number goes in the body of POST "
                        "/api/v1/people/search, never in the address."
                    )
                ]
            }
        )
    return _search(request, query)


@router.get(
    "/households/{int:household_id}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="The people living now in a household",
)
def household_members(request: HttpRequest, household_id: IdParam):
    household = area_get(user=request.user, pk=household_id, kind=AreaKind.HOUSEHOLD)
    return selectors.household_members(user=request.user, household=household)


@router.get("/{int:person_id}", response={200: PersonDetailOut, **READ_ERRORS})
def person_detail(request: HttpRequest, person_id: IdParam):
    return selectors.person_detail(user=request.user, pk=person_id)


@router.post(
    "", response={201: PersonDetailOut, **WRITE_ERRORS}, summary="Register a person into a household"
)
def person_register(request: HttpRequest, payload: PersonRegisterIn):
    household = area_get(user=request.user, pk=payload.household_id, kind=AreaKind.HOUSEHOLD)
    data = payload.dict(exclude={"household_id", "moved_in", "vulnerabilities"}, exclude_none=True)
    data["vulnerabilities"] = [item.dict() for item in payload.vulnerabilities]
    person = services.person_register(
        acting_user=request.user, household=household, data=data, moved_in=payload.moved_in
    )
    return Status(201, selectors.person_detail(user=request.user, pk=person.pk))


@router.patch(
    "/{int:person_id}", response={200: PersonDetailOut, **WRITE_ERRORS}, summary="Correct a person's details"
)
def person_update(request: HttpRequest, person_id: IdParam, payload: PersonUpdateIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    services.person_update(acting_user=request.user, person=person, data=payload.dict(exclude_unset=True))
    return selectors.person_detail(user=request.user, pk=person.pk)


@router.post(
    "/{int:person_id}/reveal-id",
    response={200: RevealOut, **WRITE_ERRORS},
    summary="Show the ID number in clear (audited)",
)
def person_reveal_id(request: HttpRequest, person_id: IdParam, payload: RevealIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    return {
        "id_number": services.person_reveal_id(acting_user=request.user, person=person, reason=payload.reason)
    }


@router.put(
    "/{int:person_id}/vulnerabilities",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Replace the person's vulnerable groups",
)
def person_set_vulnerabilities(request: HttpRequest, person_id: IdParam, payload: VulnerabilitiesIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    tags = {item.tag: {"due_date": item.due_date, "note": item.note} for item in payload.vulnerabilities}
    services.person_set_vulnerabilities(acting_user=request.user, person=person, tags=tags)
    return selectors.person_detail(user=request.user, pk=person.pk)


@router.post(
    "/{int:person_id}/move",
    response={201: ResidenceOut, **WRITE_ERRORS},
    summary="Move a person to another household",
)
def residence_move(request: HttpRequest, person_id: IdParam, payload: MoveIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    household = area_get(user=request.user, pk=payload.household_id, kind=AreaKind.HOUSEHOLD)
    residence = services.residence_move(
        acting_user=request.user,
        person=person,
        to_household=household,
        relation=payload.relation,
        status=payload.status,
        date=payload.date,
    )
    return Status(201, residence)


@router.post(
    "/{int:person_id}/end-residence",
    response={204: None, **WRITE_ERRORS},
    summary="The person has left the area (moved away, died)",
)
def residence_end(request: HttpRequest, person_id: IdParam, payload: EndResidenceIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    services.residence_end(acting_user=request.user, person=person, date=payload.date, reason=payload.reason)
    return Status(204, None)


@router.post(
    "/merge", response={200: PersonDetailOut, **WRITE_ERRORS}, summary="Merge two records of one person"
)
def person_merge(request: HttpRequest, payload: MergeIn):
    keep = selectors.person_get(user=request.user, pk=payload.keep_id)
    merge = selectors.person_get(user=request.user, pk=payload.merge_id)
    services.person_merge(acting_user=request.user, keep=keep, merge=merge)
    return selectors.person_detail(user=request.user, pk=keep.pk)
