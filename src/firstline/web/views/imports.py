"""Importing a resident list (upload → columns → progress → report) and exporting a ledger."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from firstline.accounts.roles import Perm
from firstline.areas.selectors import area_get
from firstline.imports import export, parsing, selectors, services
from firstline.imports.models import ImportMode, ImportStatus
from firstline.web.errors import submit
from firstline.web.views.common import breadcrumbs

# Lazy: read in the language of each request, not the one the module was loaded in.
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "id_type": gettext_lazy("ID document"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("Phone"),
    "birth_date": gettext_lazy("Birth date"),
    "age": gettext_lazy("Age"),
    "sex": gettext_lazy("Sex"),
    "relation": gettext_lazy("Relation"),
    "status": gettext_lazy("Lives here as"),
    "vaccination": gettext_lazy("Vaccination"),
    "vulnerabilities": gettext_lazy("Needs"),
    "due_date": gettext_lazy("Due date"),
    "building": gettext_lazy("Building"),
    "unit": gettext_lazy("Unit"),
    "group": gettext_lazy("Village group"),
    "door": gettext_lazy("Door"),
    "address": gettext_lazy("Address"),
    "note": gettext_lazy("Note"),
    "returned_from": gettext_lazy("Returned from"),
    "returned_on": gettext_lazy("Returned on"),
}


@login_required
def import_start(request, pk: int):
    area = area_get(user=request.user, pk=pk, perm=Perm.LEDGER_IMPORT)
    errors, status = {}, 200
    if request.method == "POST":
        upload = request.FILES.get("file")

        def upload_file():
            if upload is None:
                raise ValidationError({"file": _("Choose a file.")})
            return services.import_upload(
                acting_user=request.user,
                area=area,
                filename=upload.name,
                data=upload.read(),
                mode=request.POST.get("mode", ImportMode.KEEP_VALID),
                mapping_name=request.POST.get("mapping_name", ""),
            )

        done = submit(upload_file)
        if done:
            return redirect("web:import_columns", pk=done.result.pk)
        errors, status = done.errors, done.status
    return render(
        request,
        "web/imports/start.html",
        {
            "area": area,
            "crumbs": breadcrumbs(request.user, area),
            "modes": ImportMode.choices,
            "mappings": selectors.column_mappings(user=request.user, area=area),
            "jobs": selectors.import_jobs(user=request.user, area=area)[:20],
            "errors": errors,
        },
        status=status,
    )


@login_required
def import_columns(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk, with_file=True)
    if job.status != ImportStatus.DRAFT:
        return redirect("web:import_job", pk=job.pk)
    headers = services.import_headers(job=job)
    errors, status = {}, 200
    if request.method == "POST":
        mapping = {header: request.POST.get(f"col-{index}", "") for index, header in enumerate(headers)}
        done = submit(
            lambda: services.import_start(
                acting_user=request.user, job=job, mapping=mapping, save_as=request.POST.get("save_as", "")
            )
        )
        if done:
            return redirect("web:import_job", pk=job.pk)
        errors, status = done.errors, done.status
        job.mapping = {h: f for h, f in mapping.items() if f}
    columns = [(index, header, job.mapping.get(header, "")) for index, header in enumerate(headers)]
    return render(
        request,
        "web/imports/columns.html",
        {
            "job": job,
            "columns": columns,
            "fields": [(f, FIELD_LABELS[f]) for f in parsing.FIELDS],
            "errors": errors,
        },
        status=status,
    )


REPORT_PAGE = 100


def _column(entry: dict) -> str:
    """The column as the file calls it; the field's name for reports made before columns were kept."""
    return entry.get("column") or str(FIELD_LABELS.get(entry["field"], entry["field"]))


@login_required
def import_job(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk)
    template = "web/imports/_progress.html" if request.headers.get("HX-Request") else "web/imports/job.html"
    # Every refusal and warning, a page at a time (each list has its own page number).
    refused = Paginator(job.errors, REPORT_PAGE).get_page(request.GET.get("refused"))
    warned = Paginator(job.warnings, REPORT_PAGE).get_page(request.GET.get("warned"))
    return render(
        request,
        template,
        {
            "job": job,
            "refused": refused,
            "warned": warned,
            "refused_rows": [{**e, "column": _column(e)} for e in refused],
            "warned_rows": [{**w, "column": _column(w)} for w in warned],
            "errors_cut": job.error_count - len(job.errors),
            "warnings_cut": job.warning_count - len(job.warnings),
        },
    )


@login_required
def import_report(request, pk: int):
    """The whole report as CSV: every refusal, then every warning, by row."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with a BOM correctly
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Outcome"), _("Problem"), _("Value as written")])
    for error in job.errors:
        writer.writerow([error["row"], _column(error), _("Not stored"), error["message"], ""])
    for warning in job.warnings:
        writer.writerow(
            [
                warning["row"],
                _column(warning),
                _("Stored with a warning"),
                warning["message"],
                warning.get("value", ""),
            ]
        )
    if job.error_count > len(job.errors):
        writer.writerow(
            [
                "",
                "",
                _("Not stored"),
                _(
                    "%(n)d more refusals are not listed: the report keeps the first %(limit)d. Correct the "
                    "rows above and "
                    "import the file again to see the rest."
                )
                % {"n": job.error_count - len(job.errors), "limit": job.REPORT_LIMIT},
                "",
            ]
        )
    if job.warning_count > len(job.warnings):
        writer.writerow(
            [
                "",
                "",
                _("Stored with a warning"),
                _("%(n)d more warnings are not listed: the report keeps the first %(limit)d.")
                % {"n": job.warning_count - len(job.warnings), "limit": job.REPORT_LIMIT},
                "",
            ]
        )
    return response


@login_required
def area_export(request, pk: int):
    area = area_get(user=request.user, pk=pk, perm=Perm.LEDGER_EXPORT)
    if request.method != "POST":
        return render(
            request, "web/imports/export.html", {"area": area, "crumbs": breadcrumbs(request.user, area)}
        )
    data, _rows = export.ledger_export(
        acting_user=request.user, area=area, unmasked=request.POST.get("unmasked") == "1"
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{area.pk}.xlsx"'
    return response
