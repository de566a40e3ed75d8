"""Lab export files of results: CSV or XLSX, whatever the lab's system writes, read with a column
mapping (found from the headers, or saved under the lab's name and reused).

Each row becomes a result with its source ("<file> row <n>"); the upload keeps the mapping used,
its counts and every refused row with the reason, so nothing in the file goes unaccounted for.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths
from firstline.common.audit import audit_record
from firstline.common.errors import PermissionDenied
from firstline.common.text import clean_text
from firstline.imports.parsing import file_format_of, header_key, read_rows
from firstline.people.cleaning import parse_date
from firstline.testing.capture.services import code_shown
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import LabMapping, ResultUpload, TubeResult
from firstline.testing.states import ResultStatus

LAB_FIELDS = ["tube_code", "result", "reported_at"]
REQUIRED = ("tube_code", "result")
SYNONYMS = {
    "tube_code": [
        "试管编码",
        "试管编号",
        "试管条码",
        "试管号",
        "管码",
        "条码",
        "条码号",
        "样本编号",
        "样本条码",
        "样本号",
        "采样管编号",
        "混管编号",
        "tube",
        "tube code",
        "tube id",
        "barcode",
        "sample id",
        "sample code",
        "specimen id",
    ],
    "result": ["检测结果", "结果", "核酸结果", "检验结果", "result", "test result", "outcome"],
    "reported_at": [
        "报告时间",
        "报告日期",
        "检测时间",
        "检测日期",
        "出报告时间",
        "审核时间",
        "reported at",
        "report time",
        "reported",
        "tested at",
        "time",
        "date",
    ],
}
_INDEX = {header_key(word): field for field, words in SYNONYMS.items() for word in words}
MAX_ROWS = 200_000


@dataclass
class LabTable:
    headers: list[str]
    rows: list[tuple[int, list]]


def _check_readable(filename: str, data: bytes) -> str:
    """The file's format, or a ValidationError that says what is wrong with the file itself."""
    file_format = file_format_of(filename)
    if not data.strip():
        raise ValidationError({"file": _("The file is empty: export the results from the lab system again.")})
    if file_format == "csv" and b"\x00" in data[:4096]:
        raise ValidationError(
            {
                "file": _(
                    "This is not a text (CSV) file: save the lab system's export as CSV or XLSX and upload "
                    "that."
                )
            }
        )
    return file_format


def lab_table(*, filename: str, data: bytes) -> LabTable:
    """The header row (the first of the first 10 rows naming a tube and a result column) and the rows
    below.
    """
    rows, _merged = read_rows(data, _check_readable(filename, data))
    for index, row in enumerate(rows[:10]):
        found = {_INDEX.get(header_key(cell)) for cell in row if isinstance(cell, str)}
        if {"tube_code", "result"} <= found:
            headers = [str(h).strip() for h in row]
            body = [(index + 2 + i, r) for i, r in enumerate(rows[index + 1 :])]
            if len(body) > MAX_ROWS:
                raise ValidationError(_("At most %(n)d rows in one file.") % {"n": MAX_ROWS})
            return LabTable(headers, body)
    headers = [str(h).strip() for h in (rows[0] if rows else [])]
    return LabTable(headers, [(2 + i, r) for i, r in enumerate(rows[1:])])


def lab_mapping_detect(headers: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """{header: field}; a saved mapping wins over the synonyms."""
    mapping = {}
    for header in headers:
        field = (saved or {}).get(header) or _INDEX.get(header_key(header))
        if field in LAB_FIELDS and field not in mapping.values():
            mapping[header] = field
    return mapping


def _reported_at(value) -> dt.datetime | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value).strip().replace("/", "-").replace("T", " ")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        day = parse_date(value)
        if day is None:
            raise ValidationError(_("'%(value)s' is not a date and time.") % {"value": text[:30]}) from None
        parsed = dt.datetime.combine(day, dt.time(0, 0))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def results_upload(
    *, acting_user, filename: str, data: bytes, mapping: dict[str, str] | None = None, save_as: str = ""
) -> ResultUpload:
    """Read a lab's file and report every row's result. Refused rows are kept in the upload's
    report with their row number and reason; the rows that are fine are stored."""
    if not scope_paths(acting_user, Perm.TESTING_LAB):
        raise PermissionDenied(code=Perm.TESTING_LAB)
    table = lab_table(filename=filename, data=data)
    saved = (
        LabMapping.objects.filter(name=save_as.strip()).values_list("mapping", flat=True).first()
        if save_as.strip()
        else None
    )
    save_as = clean_text(save_as, field="save_as", max_length=100)
    if mapping:
        absent = [h for h in mapping if h not in table.headers]
        if absent:
            raise ValidationError(
                {
                    "mapping": _("The file has no column %(absent)s. Its columns are: %(columns)s.")
                    % {
                        "absent": "、".join(absent),
                        "columns": "、".join(h for h in table.headers if h) or _("none"),
                    }
                }
            )
        unknown = sorted({f for f in mapping.values() if f not in LAB_FIELDS})
        if unknown:
            raise ValidationError(
                {
                    "mapping": _("Unknown fields %(fields)s: map columns to tube_code, result, reported_at.")
                    % {"fields": ", ".join(unknown)}
                }
            )
    mapping = {
        h: f for h, f in (mapping or lab_mapping_detect(table.headers, saved)).items() if f in LAB_FIELDS
    }
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        names = {"tube_code": _("tube code"), "result": _("result")}
        raise ValidationError(
            {
                "mapping": _("Say which column holds the %(fields)s.")
                % {"fields": ", ".join(str(names[f]) for f in missing)}
            }
        )
    columns = {
        field: table.headers.index(header) for header, field in mapping.items() if header in table.headers
    }
    items: list[ResultIn] = []
    bad_rows: list[dict] = []
    for number, cells in table.rows:
        values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        if all(v in ("", None) for v in values.values()):
            continue
        try:
            reported_at = _reported_at(values.get("reported_at"))
        except ValidationError as exc:
            bad_rows.append(
                {
                    "row": number,
                    "tube": code_shown(values.get("tube_code", "")),
                    "code": "invalid",
                    "message": exc.messages[0],
                }
            )
            continue
        items.append(
            ResultIn(
                tube_code=str(values.get("tube_code") or ""),
                result=str(values.get("result") or ""),
                reported_at=reported_at,
                source_ref=f"{filename[:150]} row {number}",
                row=number,
            )
        )
    if not items and not bad_rows:
        raise ValidationError({"file": _("The file has its header row but no results under it.")})
    with transaction.atomic():
        upload = ResultUpload.objects.create(
            filename=filename[:200], uploaded_by=acting_user, mapping=mapping, rows=len(items) + len(bad_rows)
        )
        outcomes = results_report(
            acting_user=acting_user, results=items, source=TubeResult.Source.UPLOAD, upload=upload
        )
        refused = bad_rows + [
            {"row": o.row, "tube": o.tube_code, "code": o.code, "message": o.message}
            for o in outcomes
            if o.status == ResultStatus.REFUSED
        ]
        refused.sort(key=lambda r: r["row"] or 0)
        ResultUpload.objects.filter(pk=upload.pk).update(
            stored=sum(o.status == ResultStatus.STORED for o in outcomes),
            duplicates=sum(o.status == ResultStatus.DUPLICATE for o in outcomes),
            refused=len(refused),
            report=refused,
        )
        if save_as:
            LabMapping.objects.update_or_create(
                name=save_as, defaults={"mapping": mapping, "created_by": acting_user}
            )
        audit_record(
            actor=acting_user,
            action="testing.results.upload",
            target=upload,
            area_path="",
            changes={"file": filename[:200], "rows": upload.rows, "refused": len(refused)},
        )
    upload.refresh_from_db()
    return upload
