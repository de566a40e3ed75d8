"""Importing a resident list (upload → columns → progress → report) and exporting a ledger."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from firstline.common.errors import NotFound, PermissionDenied
from firstline.imports import export, parsing, selectors, services
from firstline.imports.models import ImportMode, ImportStatus
from firstline.web.views.common import breadcrumbs, error_dict, visible_area

FIELD_LABELS = {
    "name": _("Name"), "id_type": _("ID document"), "id_number": _("ID number"), "phone": _("Phone"),
    "birth_date": _("Birth date"), "age": _("Age"), "sex": _("Sex"), "relation": _("Relation"),
    "status": _("Lives here as"), "vaccination": _("Vaccination"), "vulnerabilities": _("Needs"),
    "due_date": _("Due date"), "building": _("Building"), "unit": _("Unit"), "door": _("Door"),
    "address": _("Address"), "note": _("Note"), "returned_from": _("Returned from"), "returned_on": _("Returned on"),
}


def _job(request, pk):
    try:
        return selectors.import_job_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def import_start(request, pk: int):
    area = visible_area(request, pk)
    errors = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": _("Choose a file.")})
            job = services.import_upload(
                acting_user=request.user, area=area, filename=upload.name, data=upload.read(),
                mode=request.POST.get("mode", ImportMode.KEEP_VALID), mapping_name=request.POST.get("mapping_name", ""),
            )
            return redirect("web:import_columns", pk=job.pk)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = error_dict(exc)
    try:
        mappings = selectors.column_mappings(user=request.user, area=area)
        jobs = selectors.import_jobs(user=request.user).filter(area=area)[:20]
    except NotFound:
        raise Http404 from None
    return render(request, "web/imports/start.html", {
        "area": area, "crumbs": breadcrumbs(request.user, area), "modes": ImportMode.choices,
        "mappings": mappings, "jobs": jobs, "errors": errors,
    }, status=422 if errors else 200)


@login_required
def import_columns(request, pk: int):
    job = _job(request, pk)
    if job.status != ImportStatus.DRAFT:
        return redirect("web:import_job", pk=job.pk)
    job_full = type(job).objects.get(pk=job.pk)
    headers = services.import_headers(job=job_full)
    errors = {}
    if request.method == "POST":
        mapping = {header: request.POST.get(f"col-{index}", "") for index, header in enumerate(headers)}
        try:
            services.import_start(acting_user=request.user, job=job_full, mapping=mapping, save_as=request.POST.get("save_as", ""))
            return redirect("web:import_job", pk=job.pk)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = error_dict(exc)
            job.mapping = {h: f for h, f in mapping.items() if f}
    columns = [(index, header, job.mapping.get(header, "")) for index, header in enumerate(headers)]
    return render(request, "web/imports/columns.html", {
        "job": job, "columns": columns, "fields": [(f, FIELD_LABELS[f]) for f in parsing.FIELDS], "errors": errors,
    }, status=422 if errors else 200)


@login_required
def import_job(request, pk: int):
    job = _job(request, pk)
    template = "web/imports/_progress.html" if request.headers.get("HX-Request") else "web/imports/job.html"
    return render(request, template, {"job": job, "field_labels": FIELD_LABELS, "errors": job.errors[:500]})


@login_required
def import_report(request, pk: int):
    job = _job(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with a BOM correctly
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Field"), _("Problem")])
    for error in job.errors:
        writer.writerow([error["row"], FIELD_LABELS.get(error["field"], error["field"]), error["message"]])
    return response


@login_required
def area_export(request, pk: int):
    area = visible_area(request, pk)
    if request.method != "POST":
        return render(request, "web/imports/export.html", {"area": area, "crumbs": breadcrumbs(request.user, area)})
    return _export(request, area)


def _export(request, area):
    try:
        data, _rows = export.ledger_export(acting_user=request.user, area=area, unmasked=request.POST.get("unmasked") == "1")
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ledger-{area.pk}.xlsx"'
    return response
