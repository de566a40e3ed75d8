"""API: the self-registration review queue, and resolving scanned personal codes."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PersonSummaryOut
from firstline.areas.models import Area, AreaKind
from firstline.common.errors import NotFound
from firstline.registration import selectors, services
from firstline.registration.models import SubmissionStatus

router = Router(tags=["registrations"])


class SubmissionOut(Schema):
    id: int
    compound_id: int
    household_id: int | None
    address_text: str
    member_count: int
    status: SubmissionStatus
    created_at: dt.datetime


class SubmittedMemberOut(Schema):
    name: str = ""
    id_masked: str = Field("", description="Masked; the number itself is never answered.")
    phone_masked: str = ""
    relation: str = ""
    vulnerabilities: str | list = ""
    existing_person: int | None = Field(None, description="The registered person with this ID number, if any.")


class SubmissionDetailOut(SubmissionOut):
    members: list[SubmittedMemberOut]


class AcceptIn(Schema):
    household_id: int
    corrections: list[dict[str, str | bool]] = Field(
        default_factory=list,
        description="Per submitted member, in order: fields to replace (an empty value keeps the submitted one); "
        '{"drop": true} leaves the member out.',
    )


class RejectIn(Schema):
    reason: str


class ResolveIn(Schema):
    payload: str = Field(description="The scanned QR text: FL1.<code>.<signature>")


@router.get("/pending", response={200: list[SubmissionOut], **READ_ERRORS}, summary="Submissions waiting for review")
def pending(request: HttpRequest):
    return list(selectors.registrations_pending(user=request.user)[:500])


@router.get("/{int:submission_id}", response={200: SubmissionDetailOut, **READ_ERRORS})
def submission_detail(request: HttpRequest, submission_id: int):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    submission.members = selectors.registration_members_masked(submission=submission)
    return submission


@router.post("/{int:submission_id}/accept", response={200: list[PersonSummaryOut], **WRITE_ERRORS})
def accept(request: HttpRequest, submission_id: int, payload: AcceptIn):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    household = Area.objects.filter(pk=payload.household_id, kind=AreaKind.HOUSEHOLD).first()
    if household is None:
        raise NotFound
    return services.registration_accept(
        acting_user=request.user, submission=submission, household=household, corrections=payload.corrections
    )


@router.post("/{int:submission_id}/reject", response={204: None, **WRITE_ERRORS})
def reject(request: HttpRequest, submission_id: int, payload: RejectIn):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    services.registration_reject(acting_user=request.user, submission=submission, reason=payload.reason)
    return Status(204, None)


@router.post("/codes/resolve", response={200: list[PersonSummaryOut], **READ_ERRORS}, summary="Who a scanned code is")
def resolve(request: HttpRequest, payload: ResolveIn):
    return selectors.code_resolve(user=request.user, payload=payload.payload)
