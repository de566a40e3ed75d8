"""API: resident list imports (upload, map, start, follow) and ledger exports."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from firstline.api.schemas import READ_ERRORS, WRITE_ERRORS
from firstline.api.types import IdParam
from firstline.areas.selectors import area_get
from firstline.imports import export, selectors, services
from firstline.imports.models import ImportMode, ImportStatus

router = Router(tags=["imports"])


class ImportErrorOut(Schema):
    row: int = Field(description="Row number as the spreadsheet shows it (the header row counts).")
    field: str
    column: str = Field(
        "", description="The column's header as written in the file (empty when no column holds the field)."
    )
    message: str


class ImportWarningOut(ImportErrorOut):
    value: str = Field("", description="The text as written (an unknown label); never an ID number.")


class ImportJobOut(Schema):
    id: int
    area_id: int
    filename: str
    status: ImportStatus
    mode: ImportMode
    mapping: dict[str, str] = Field(description="Column header → field.")
    total_rows: int
    processed_rows: int
    progress_percent: int
    created_count: int
    households_created: int
    duplicate_count: int
    rejected_count: int = Field(description="Rows refused.")
    warned_count: int = Field(description="People stored with at least one warning.")
    blank_rows: int = Field(description="Blank rows, skipped.")
    place_rows: int = Field(description="Rows naming only a place (a section title, a vacant door), skipped.")
    filled_rows: int = Field(
        description="Rows whose building, unit or door came from a merged cell or the row above."
    )
    error_count: int = Field(
        description="Refusals in all (a row may have several); `errors` lists the first 50,000."
    )
    warning_count: int = Field(description="Warnings in all; `warnings` lists the first 50,000.")
    errors: list[ImportErrorOut] = Field(
        description="Refusals by row and column; values masked, never an ID number in clear."
    )
    warnings: list[ImportWarningOut] = Field(
        description="People stored despite something worth a look (an unknown label "
        "kept in the note, a long note cut, a number read by its shape)."
    )
    failure: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ImportUploadIn(Schema):
    area_id: int
    mode: ImportMode = ImportMode.KEEP_VALID
    mapping: str = Field("", description="Optional JSON object {header: field}; detected when empty.")
    mapping_name: str = Field("", description="Name of a saved mapping to start from.")
    start: bool = Field(True, description="Start at once with the (detected or given) mapping.")


class ImportStartIn(Schema):
    mapping: dict[str, str]
    save_as: str = ""


@router.post("", response={201: ImportJobOut, **WRITE_ERRORS}, summary="Upload a resident list (CSV or XLSX)")
def import_upload(request: HttpRequest, payload: Form[ImportUploadIn], file: File[UploadedFile]):
    area = area_get(user=request.user, pk=payload.area_id)
    job = services.import_upload(
        acting_user=request.user,
        area=area,
        filename=file.name,
        data=file.read(),
        mode=payload.mode,
        mapping_name=payload.mapping_name,
    )
    if payload.start:
        mapping = job.mapping
        if payload.mapping:
            try:
                mapping = json.loads(payload.mapping)
            except ValueError:
                raise ValidationError({"mapping": ["Not a JSON object."]}) from None
        job = services.import_start(acting_user=request.user, job=job, mapping=mapping)
    return Status(201, selectors.import_job_get(user=request.user, pk=job.pk))


@router.post(
    "/{int:job_id}/start",
    response={200: ImportJobOut, **WRITE_ERRORS},
    summary="Confirm the mapping and start",
)
def import_start(request: HttpRequest, job_id: IdParam, payload: ImportStartIn):
    job = selectors.import_job_get(user=request.user, pk=job_id)
    from firstline.imports.models import ImportJob

    services.import_start(
        acting_user=request.user,
        job=ImportJob.objects.get(pk=job.pk),
        mapping=payload.mapping,
        save_as=payload.save_as,
    )
    return selectors.import_job_get(user=request.user, pk=job_id)


@router.get(
    "/{int:job_id}", response={200: ImportJobOut, **READ_ERRORS}, summary="Status, progress and report"
)
def import_status(request: HttpRequest, job_id: IdParam):
    return selectors.import_job_get(user=request.user, pk=job_id)


@router.get(
    "/export",
    response={200: None, **WRITE_ERRORS},
    summary="The ledger of an area as XLSX (masked unless asked)",
)
def ledger_export(request: HttpRequest, area: IdParam, unmasked: bool = False):
    # `area`, as every other operation names the area it reads under (`area_id` is a body field's name).
    area = area_get(user=request.user, pk=area)
    data, _rows = export.ledger_export(acting_user=request.user, area=area, unmasked=unmasked)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{area.pk}.xlsx"'
    return response
