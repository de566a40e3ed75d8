"""Reading resident lists as property managers and communities keep them.

CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it in China) and XLSX (read with
calamine, which is fast). The header row is found among the first rows (titles often sit above
it), headers in Chinese or English are mapped to fields, and building/unit cells left empty under
a merged cell are filled down from the row above.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIELDS = [
    "name", "id_type", "id_number", "phone", "birth_date", "age", "sex", "relation", "status", "vaccination",
    "vulnerabilities", "due_date", "building", "unit", "door", "address", "note", "returned_from", "returned_on",
]
FILL_DOWN = ("building", "unit", "address")

SYNONYMS = {
    "name": ["姓名", "名字", "居民姓名", "人员姓名", "name", "fullname", "full name"],
    "id_type": ["证件类型", "证件种类", "idtype", "id type", "document type"],
    "id_number": ["身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证", "idnumber", "id number", "id no", "id", "document number"],
    "phone": ["手机", "手机号", "手机号码", "联系电话", "电话", "联系方式", "phone", "mobile", "telephone", "tel"],
    "birth_date": ["出生日期", "出生年月", "生日", "birthdate", "birth date", "date of birth", "dob"],
    "age": ["年龄", "age"],
    "sex": ["性别", "sex", "gender"],
    "relation": ["与户主关系", "关系", "家庭关系", "relation", "relationship"],
    "status": ["居住状态", "人员类型", "居住类型", "住户类型", "status", "residence status"],
    "vaccination": ["疫苗接种", "疫苗", "接种情况", "疫苗接种情况", "vaccination"],
    "vulnerabilities": ["特殊人群", "重点人群", "人群类别", "特殊情况", "vulnerable", "vulnerabilities", "needs"],
    "due_date": ["预产期", "due date"],
    "building": ["楼号", "楼栋", "楼栋号", "栋", "幢", "楼", "building"],
    "unit": ["单元", "单元号", "unit"],
    "door": ["房号", "门牌号", "门牌", "室", "房间号", "户号", "door", "room"],
    "address": ["住址", "地址", "详细地址", "现住址", "居住地址", "address"],
    "note": ["备注", "note", "notes", "remark"],
    "returned_from": ["返乡地", "来源地", "从何地返回", "返回地", "returned from"],
    "returned_on": ["返乡日期", "返回日期", "返乡时间", "returned on"],
}


def header_key(text) -> str:
    return re.sub(r"[\s_*:：()（）]+", "", unicodedata.normalize("NFKC", str(text or "")).strip().lower())


_HEADER_INDEX = {header_key(word): field for field, words in SYNONYMS.items() for word in words}


def detect_field(header: str) -> str | None:
    return _HEADER_INDEX.get(header_key(header))


@dataclass
class Table:
    header_row: int  # 1-based, as a spreadsheet numbers rows
    headers: list[str]
    rows: list[tuple[int, list]]  # (1-based row number, cells)


def _cell_text(value) -> str | dt.date:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        # Excel keeps numbers as floats: 13800138000.0 is a phone, 501.0 is a door.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def read_rows(data: bytes, file_format: str) -> list[list]:
    if file_format == "xlsx":
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
            return [[_cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise ValidationError(_("This file cannot be read as an Excel workbook (%(error)s).") % {"error": type(exc).__name__}) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def file_format_of(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise ValidationError(_("Upload a .xlsx or .csv file (an old .xls can be saved as .xlsx in Excel or WPS)."))


def find_header(rows: list[list], *, look_at: int = 15) -> int:
    """Index of the row with the most recognised headers among the first rows."""
    best, best_score = -1, 1
    for index, row in enumerate(rows[:look_at]):
        score = len({detect_field(cell) for cell in row if isinstance(cell, str) and detect_field(cell)})
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        raise ValidationError(_("No header row found: the first rows should name the columns (姓名, 身份证号, 楼号 …)."))
    return best


def read_table(data: bytes, file_format: str) -> Table:
    rows = read_rows(data, file_format)
    header_index = find_header(rows)
    headers = [str(h).strip() for h in rows[header_index]]
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])]
    return Table(header_row=header_index + 1, headers=headers, rows=body)


def detect_mapping(headers: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """{header: field} for every header that maps to a field; a saved mapping wins."""
    mapping = {}
    for header in headers:
        if not header:
            continue
        field = (saved or {}).get(header) or detect_field(header)
        if field in FIELDS and field not in mapping.values():
            mapping[header] = field
    return mapping


def records(table: Table, mapping: dict[str, str]):
    """Yield (row number, {field: value}) for each non-empty row, with merged cells filled down."""
    columns = [(i, mapping[h]) for i, h in enumerate(table.headers) if mapping.get(h) in FIELDS]
    carried: dict[str, object] = {}
    for number, cells in table.rows:
        values = {}
        for index, field in columns:
            value = cells[index] if index < len(cells) else ""
            if value not in ("", None):
                values[field] = value
        if not values:
            continue
        for field in FILL_DOWN:
            if field in values:
                carried[field] = values[field]
            elif field in carried and any(k in values for k in ("name", "id_number")):
                values[field] = carried[field]
        yield number, values


_ADDRESS = re.compile(
    r"(?P<building>[0-9A-Za-z]+)\s*(?:号楼|号|栋|幢|#|-|－|—)\s*(?:(?P<unit>[0-9A-Za-z]+)\s*(?:单元|-|－|—))?\s*(?P<door>[0-9A-Za-z]+)\s*(?:室|号)?\s*$"
)


def split_address(text: str) -> tuple[str, str, str] | None:
    """'3号楼2单元501' / '3-2-501' / '睿和新城3栋2单元501室' -> ('3', '2', '501')."""
    match = _ADDRESS.search(unicodedata.normalize("NFKC", str(text)).replace(" ", ""))
    if not match:
        return None
    return match.group("building"), match.group("unit") or "", match.group("door")


def building_key(name: str) -> str:
    """'3号楼', '3栋', '3幢', '3#', '3' and 'Building 3' all give '3'."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"^(building|bldg\.?)\s*", "", text)
    return re.sub(r"(号楼|号|栋|幢|楼|#)$", "", text).strip()


def unit_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"^unit\s*", "", text)
    return re.sub(r"(单元|号)$", "", text).strip()


def door_key(name) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().upper()
    return re.sub(r"(室|号|房)$", "", text)


def floor_of_door(door: str) -> int | None:
    """501 is on floor 5, 1203 on floor 12; doors that are not numbers have no known floor."""
    return int(door[:-2]) if door.isdigit() and len(door) >= 3 else None
