"""The lab's pages: boxes on their way and received, receiving a box (by count or tube by tube),
entering results per tube, and uploading a lab's export file with a column mapping.

A lab sees boxes and tubes, never people: nothing here reads a person or a household.
"""

import os
import re
import secrets
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.common.crypto import seal_bytes, unseal_bytes
from firstline.testing.lab import selectors as lab_selectors
from firstline.testing.lab.files import LAB_FIELDS, lab_mapping_detect, lab_table, results_upload
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import Box, BoxEvent, ResultKind, TubeResult
from firstline.testing.transport import selectors as transport_selectors
from firstline.testing.transport import services as transport_services
from firstline.web.errors import submit
from firstline.web.views.transport import counted_of, tube_codes_of

FIELD_LABELS = {
    "tube_code": gettext_lazy("Tube code"),
    "result": gettext_lazy("Result"),
    "reported_at": gettext_lazy("Reported at"),
}
RESULT_CHOICES = [
    (k, ResultKind(k).label) for k in (ResultKind.NEGATIVE, ResultKind.POSITIVE, ResultKind.INVALID)
]
# An uploaded file waiting for its columns to be chosen: sealed on disk, named by a token in the session.
_PENDING = "lab_upload"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_KEEP_SECONDS = 24 * 3600


@login_required
def lab_home(request):
    """Boxes on their way and received; scan a box code to open it."""
    on_the_way = lab_selectors.lab_boxes(user=request.user).exclude(
        status=Box.Status.RECEIVED
    )  # not found for no lab
    error = ""
    raw = request.GET.get("code", "").strip()
    if raw:
        box = lab_selectors.lab_box_by_code(user=request.user, code=raw)
        if box is not None:
            return redirect("web:lab_box", pk=box.pk)
        error = _("No box %(code)s is known to this lab.") % {"code": raw[:40]}
    return render(
        request,
        "web/lab/home.html",
        {
            "on_the_way": list(on_the_way[:300]),
            "received": list(lab_selectors.lab_boxes(user=request.user, status=Box.Status.RECEIVED)[:50]),
            "uploads": list(lab_selectors.result_uploads(user=request.user, limit=5)),
            "error": error,
            "code": raw if error else "",
        },
        status=404 if error else 200,
    )


def _receive_count(request, box: Box) -> None:
    transport_services.box_receive(
        acting_user=request.user,
        box=box,
        counted=counted_of(request.POST.get("counted")),
        note=request.POST.get("note", ""),
    )


def _receive_tubes(request, box: Box) -> None:
    codes = tube_codes_of(request.POST.get("tube_codes", ""))
    if not codes:
        raise ValidationError({"tube_codes": _("Scan the tubes of the box, one by one.")})
    transport_services.box_receive(
        acting_user=request.user, box=box, tube_codes=codes, note=request.POST.get("note", "")
    )


def _result(request, box: Box) -> list:
    result = request.POST.get("result", "")
    if result not in dict(RESULT_CHOICES):
        raise ValidationError({"result": _("Choose negative, positive or invalid.")})
    codes = tube_codes_of(request.POST.get("tube", ""))
    if not codes:
        raise ValidationError({"tube": _("Scan or type the tube code.")})
    return results_report(
        acting_user=request.user,
        source=TubeResult.Source.MANUAL,
        results=[ResultIn(tube_code=code, result=result) for code in codes],
    )


# The lab's box page's actions: receiving the box (by count, or tube by tube), then results per tube.
_LAB_BOX_ACTIONS = {"receive_count": _receive_count, "receive_tubes": _receive_tubes, "result": _result}


@login_required
def lab_box(request, pk: int):
    """Receive a box, then enter a result per tube."""
    box = transport_selectors.box_get(user=request.user, pk=pk, perm=Perm.TESTING_LAB)
    errors: dict[str, list[str]] = {}
    status = 200
    answers = []
    confirm_positive: list[str] = []
    is_result = request.method == "POST" and request.POST.get("action") == "result"
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in _LAB_BOX_ACTIONS:
            errors, status = {"general": [_("Unknown action.")]}, 400
        elif (
            is_result
            and request.POST.get("result") == ResultKind.POSITIVE
            and request.POST.get("confirmed") != "1"
            and tube_codes_of(request.POST.get("tube", ""))
        ):
            # A positive is asked again, naming its tubes, before it is recorded.
            confirm_positive = tube_codes_of(request.POST.get("tube", ""))
        else:
            done = submit(lambda: _LAB_BOX_ACTIONS[action](request, box))
            if done and action != "result":
                return redirect("web:lab_box", pk=box.pk)
            answers = done.result or []
            errors, status = done.errors, done.status
        box.refresh_from_db()
    # The result chosen stays only beside an error: after a save the next tube starts with none.
    last_result = request.POST.get("result", "") if is_result and (errors or confirm_positive) else ""
    events = list(transport_selectors.box_events(box=box))
    receipt = next((e for e in events if e.kind == BoxEvent.Kind.RECEIVED), None)
    tubes = list(transport_selectors.box_tubes(box=box))
    return render(
        request,
        "web/lab/box.html",
        {
            "box": box,
            "events": events,
            "receipt": receipt,
            "tubes": tubes,
            "resulted": sum(t.result != ResultKind.PENDING for t in tubes),
            "answers": answers,
            "errors": errors,
            "last_result": last_result,
            "last_tube": request.POST.get("tube", "") if is_result and errors else "",
            "confirm_positive": confirm_positive,
            "result_choices": RESULT_CHOICES,
            "can_receive": can(request.user, Perm.TESTING_LAB, box.area_path),
            "waiting": box.status in (Box.Status.PACKED, Box.Status.PICKED_UP),
            "received": box.status == Box.Status.RECEIVED,
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------
# Uploading a lab's export file


def _upload_dir():
    return settings.VAR_DIR / "lab-uploads"


def _keep_file(data: bytes) -> str:
    """Seal the uploaded bytes into a file named by a fresh random token; files left over a day are
    removed.
    """
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _KEEP_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    fd = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(seal_bytes(data))
    return token


def _kept_file(token: str) -> bytes | None:
    path = _upload_dir() / token if _TOKEN.match(token or "") else None
    if path is None or not path.is_file():
        return None
    return unseal_bytes(path.read_bytes())


def _drop_file(request) -> None:
    pending = request.session.pop(_PENDING, None) or {}
    token = pending.get("token", "")
    if _TOKEN.match(token):
        (_upload_dir() / token).unlink(missing_ok=True)


def _columns_page(request, *, pending: dict, data: bytes, mapping: dict | None, errors: dict, status: int):
    table = lab_table(filename=pending["filename"], data=data)
    mapping = mapping if mapping is not None else lab_mapping_detect(table.headers)
    samples = [row for _number, row in table.rows[:3]]
    columns = [
        (index, header, mapping.get(header, ""), [row[index] if index < len(row) else "" for row in samples])
        for index, header in enumerate(table.headers)
    ]
    return render(
        request,
        "web/lab/columns.html",
        {
            "pending": pending,
            "columns": columns,
            "rows": len(table.rows),
            "fields": [(f, FIELD_LABELS[f]) for f in LAB_FIELDS],
            "errors": errors,
        },
        status=status,
    )


@login_required
def upload(request):
    """Upload a lab's CSV/XLSX export. Columns are found from the headers or the lab's saved
    mapping; when one is missing, the user says which column is what."""
    labs = lab_selectors.lab_mapping_names(user=request.user)  # not found for one who is no lab
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("step") == "columns":
        pending = request.session.get(_PENDING) or {}
        data = _kept_file(pending.get("token", ""))
        if data is None:
            request.session.pop(_PENDING, None)
            errors = {"file": [_("The uploaded file has expired; upload it again.")]}
        elif request.POST.get("cancel"):
            _drop_file(request)
            return redirect("web:lab_upload")
        else:
            table_headers = lab_table(filename=pending["filename"], data=data).headers
            mapping = {
                header: request.POST.get(f"col-{index}", "") for index, header in enumerate(table_headers)
            }
            mapping = {h: f for h, f in mapping.items() if f in LAB_FIELDS}
            done = submit(
                lambda: results_upload(
                    acting_user=request.user,
                    filename=pending["filename"],
                    data=data,
                    mapping=mapping,
                    save_as=pending.get("lab", ""),
                )
            )
            if not done:
                return _columns_page(
                    request,
                    pending=pending,
                    data=data,
                    mapping=mapping,
                    errors=done.errors,
                    status=done.status,
                )
            _drop_file(request)
            return redirect("web:lab_upload_report", pk=done.result.pk)
    elif request.method == "POST":
        file = request.FILES.get("file")
        lab = request.POST.get("lab", "").strip()[:100]
        if file is None:
            errors = {"file": [_("Choose a file.")]}
        else:
            data = file.read()
            done = submit(
                lambda: results_upload(acting_user=request.user, filename=file.name, data=data, save_as=lab)
            )
            if done:
                _drop_file(request)
                return redirect("web:lab_upload_report", pk=done.result.pk)
            errors = done.errors
            if "mapping" in errors:
                _drop_file(request)
                pending = {"token": _keep_file(data), "filename": file.name[:200], "lab": lab}
                request.session[_PENDING] = pending
                return _columns_page(
                    request, pending=pending, data=data, mapping=None, errors=errors, status=200
                )
            errors = {"file": [m for ms in errors.values() for m in ms]}
    return render(
        request,
        "web/lab/upload.html",
        {
            "labs": labs,
            "uploads": lab_selectors.result_uploads(user=request.user),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
def upload_report(request, pk: int):
    """What an upload did: stored, duplicates, refused, and every refused row with its reason."""
    done = lab_selectors.result_upload_get(user=request.user, pk=pk)
    mapping = [(header, FIELD_LABELS.get(field, field)) for header, field in done.mapping.items()]
    return render(request, "web/lab/report.html", {"upload": done, "mapping": mapping})
