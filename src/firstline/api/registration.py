"""API: the self-registration review queue, and resolving scanned personal codes."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS, PersonSummaryOut
from firstline.api.types import Flag, Id, IdParam, Text
from firstline.areas.models import AreaKind
from firstline.areas.selectors import area_get
from firstline.registration import selectors, services
from firstline.registration.models import SubmissionStatus

router = Router(tags=["registrations"])


class SubmissionOut(Schema):
    id: int
    compound_id: int
    household_id: int | None
    address_text: str
    member_count: int
    status: SubmissionStatus = Field(
        description="pending; suspect: sent after the compound's hourly quota was used "
        "up (stored, held apart: check it before accepting); accepted; rejected."
    )
    sender: str = Field(
        validation_alias="client_hash",
        description="The client that sent it (a keyed hash of its address): forms of one sender share it.",
    )
    created_at: dt.datetime


class SubmittedMemberOut(Schema):
    name: str = ""
    id_masked: str = Field("", description="Masked; the number itself is never answered.")
    phone_masked: str = ""
    relation: str = ""
    vulnerabilities: str | list = ""
    existing_person: int | None = Field(
        None, description="The registered person with this ID number, if any."
    )


class SubmissionDetailOut(SubmissionOut):
    members: list[SubmittedMemberOut]


class CorrectionIn(Schema):
    """What the reviewer changes in one submitted member; a field left out or empty keeps what was sent."""

    name: Text(60) = ""
    id_type: Text(40) = ""
    id_number: Text(40) = ""
    phone: Text(30) = ""
    birth_date: Text(20) = ""
    sex: Text(10) = ""
    relation: Text(20) = ""
    vaccination: Text(20) = ""
    drop: Flag = Field(False, description="Leave this member out.")


class AcceptIn(Schema):
    household_id: Id
    corrections: list[CorrectionIn] = Field(
        default_factory=list,
        max_length=15,
        description="Per submitted member, in order: fields to replace (an empty value keeps the submitted "
        "one); "
        '{"drop": true} leaves the member out.',
    )


class RejectIn(Schema):
    reason: Text(300)


class RejectManyIn(Schema):
    submission_ids: list[Id] = Field(
        default_factory=list, max_length=1000, description="Waiting submissions to reject."
    )
    senders: list[Text(64)] = Field(
        default_factory=list,
        max_length=1000,
        description="Reject every waiting submission of these senders (their `sender`).",
    )
    reason: Text(300, min_length=1)


class RejectManyOut(Schema):
    rejected: int


class ResolveIn(Schema):
    payload: Text(200, description="The scanned QR text: FL1.<code>.<signature>")


@router.get(
    "/pending", response={200: list[SubmissionOut], **READ_ERRORS}, summary="Submissions waiting for review"
)
def pending(request: HttpRequest):
    return list(selectors.registrations_waiting(user=request.user)[:500])


@router.post(
    "/reject",
    response={200: RejectManyOut, **WRITE_ERRORS},
    summary="Reject many waiting submissions at once (a flood's junk)",
)
def reject_many(request: HttpRequest, payload: RejectManyIn):
    rejected = services.registrations_reject_many(
        acting_user=request.user,
        submission_ids=payload.submission_ids,
        senders=payload.senders,
        reason=payload.reason,
    )
    return {"rejected": rejected}


@router.get("/{int:submission_id}", response={200: SubmissionDetailOut, **READ_ERRORS})
def submission_detail(request: HttpRequest, submission_id: IdParam):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    submission.members = selectors.registration_members_masked(user=request.user, submission=submission)
    return submission


@router.post("/{int:submission_id}/accept", response={200: list[PersonSummaryOut], **WRITE_ERRORS})
def accept(request: HttpRequest, submission_id: IdParam, payload: AcceptIn):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    household = area_get(user=request.user, pk=payload.household_id, kind=AreaKind.HOUSEHOLD)
    return services.registration_accept(
        acting_user=request.user,
        submission=submission,
        household=household,
        corrections=[correction.dict() for correction in payload.corrections],
    )


@router.post("/{int:submission_id}/reject", response={204: None, **WRITE_ERRORS})
def reject(request: HttpRequest, submission_id: IdParam, payload: RejectIn):
    submission = selectors.registration_get(user=request.user, pk=submission_id)
    services.registration_reject(acting_user=request.user, submission=submission, reason=payload.reason)
    return Status(204, None)


@router.post(
    "/codes/resolve", response={200: list[PersonSummaryOut], **READ_ERRORS}, summary="Who a scanned code is"
)
def resolve(request: HttpRequest, payload: ResolveIn):
    return selectors.code_resolve(user=request.user, payload=payload.payload)
