"""Reading resident lists as property managers and communities keep them.

CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it in China) and XLSX (read with
calamine, which is fast). The header row is found among the first rows (titles often sit above
it), headers in Chinese or English are mapped to fields, and the address of a household (building,
unit, door), merged over its members' rows or written on the first member's row only, is carried
down to every member (`records`). Cells Excel stored as numbers of more than 15 digits are marked,
so that an ID number Excel has rounded is refused for what happened to it.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from firstline.common.identity import SpreadsheetNumber
from firstline.common.places import group_key
from firstline.people.models import Relation
from firstline.people.vocabulary import RELATION_WORDS, read_choice

FIELDS = [
    "name",
    "id_type",
    "id_number",
    "phone",
    "birth_date",
    "age",
    "sex",
    "relation",
    "status",
    "vaccination",
    "vulnerabilities",
    "due_date",
    "building",
    "unit",
    "group",
    "door",
    "address",
    "note",
    "returned_from",
    "returned_on",
]
ADDRESS_FIELDS = ("building", "unit", "group", "door", "address")
_ADDRESS_ONLY = frozenset(ADDRESS_FIELDS)

SYNONYMS = {
    "name": ["姓名", "名字", "居民姓名", "人员姓名", "name", "fullname", "full name"],
    "id_type": ["证件类型", "证件种类", "idtype", "id type", "document type"],
    "id_number": [
        "身份证号",
        "身份证号码",
        "证件号码",
        "证件号",
        "公民身份号码",
        "身份证",
        "idnumber",
        "id number",
        "id no",
        "id",
        "document number",
    ],
    "phone": [
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话",
        "联系方式",
        "phone",
        "mobile",
        "telephone",
        "tel",
    ],
    "birth_date": ["出生日期", "出生年月", "生日", "birthdate", "birth date", "date of birth", "dob"],
    "age": ["年龄", "age"],
    "sex": ["性别", "sex", "gender"],
    "relation": ["与户主关系", "关系", "家庭关系", "relation", "relationship"],
    "status": ["居住状态", "人员类型", "居住类型", "住户类型", "status", "residence status"],
    "vaccination": ["疫苗接种", "疫苗", "接种情况", "疫苗接种情况", "vaccination"],
    "vulnerabilities": [
        "特殊人群",
        "重点人群",
        "人群类别",
        "特殊情况",
        "vulnerable",
        "vulnerabilities",
        "needs",
    ],
    "due_date": ["预产期", "due date"],
    "building": ["楼号", "楼栋", "楼栋号", "栋", "幢", "楼", "building"],
    "unit": ["单元", "单元号", "unit"],
    # A village's lists name the group (村民小组; 队 where the old production teams' names stayed).
    "group": ["组", "组别", "小组", "村民小组", "村民组", "所在组", "队", "生产队", "group", "village group"],
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
    # Cells under a merged cell: (1-based row, 0-based column) -> the merged cell's value (its top-left's).
    merged: dict[tuple[int, int], object] = field(default_factory=dict)


def _cell_text(value) -> str | dt.date:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        # Excel keeps numbers as floats: 13800138000.0 is a phone, 501.0 is a door.
        if value.is_integer():
            digits = str(int(value))
            # Past 15 digits Excel has already rounded the number (an ID number typed into a number cell).
            return SpreadsheetNumber(digits) if abs(value) >= 1e15 else digits
        return repr(value)
    return str(value).strip()


def read_rows(data: bytes, file_format: str) -> tuple[list[list], dict[tuple[int, int], tuple[int, int]]]:
    """The cells of the first sheet, and {covered cell: top-left cell} of its merged cells (0-based)."""
    if file_format == "xlsx":
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
            rows = [[_cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            ranges = sheet.merged_cell_ranges or []
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise ValidationError(
                _("This file cannot be read as an Excel workbook (%(error)s).")
                % {"error": type(exc).__name__}
            ) from None
        merged = {}
        for (top, left), (bottom, right) in ranges:
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    if (row, column) != (top, left):
                        merged[(row, column)] = (top, left)
        return rows, merged
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)], {}


def file_format_of(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise ValidationError(
        _("Upload a .xlsx or .csv file (an old .xls can be saved as .xlsx in Excel or WPS).")
    )


def find_header(rows: list[list], *, look_at: int = 15) -> int:
    """Index of the row with the most recognised headers among the first rows."""
    best, best_score = -1, 1
    for index, row in enumerate(rows[:look_at]):
        score = len({detect_field(cell) for cell in row if isinstance(cell, str) and detect_field(cell)})
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        raise ValidationError(
            _("No header row found: the first rows should name the columns (姓名, 身份证号, 楼号 …).")
        )
    return best


def _blank(row: list) -> bool:
    return all(cell in ("", None) for cell in row)


def read_table(data: bytes, file_format: str) -> Table:
    rows, merged = read_rows(data, file_format)
    header_index = find_header(rows)
    headers = [str(h).strip() for h in rows[header_index]]
    end = len(rows)
    while end > header_index + 1 and _blank(rows[end - 1]):
        end -= 1  # formatted but empty rows at the bottom of a sheet are not rows of the list
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1 : end])]
    covered = {}
    for (row, column), (top, left) in merged.items():
        if (
            row > header_index
            and top > header_index
            and left < len(rows[top])
            and rows[top][left] not in ("", None)
        ):
            covered[(row + 1, column)] = rows[top][left]
    return Table(header_row=header_index + 1, headers=headers, rows=body, merged=covered)


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


@dataclass
class Reading:
    """What reading a list found besides its people."""

    blank_rows: int = 0  # rows with nothing in any mapped column, skipped
    place_rows: int = 0  # rows naming only a place (a section title such as "2号楼", a vacant door), skipped
    filled_rows: int = (
        0  # people's rows whose building, unit or door came from a merged cell or the row above
    )


# Why a row's door was not carried down from the row above (read by the import's report).
DOOR_NOT_CARRIED = "door_not_carried"
NEW_HOUSEHOLD = "new_household"
OTHER_PLACE = "other_place"


def _same(a, b, key) -> bool:
    return a == b or key(a) == key(b)


def _starts_household(values: dict) -> bool:
    return bool(values.get("relation")) and read_choice(values["relation"], RELATION_WORDS) == Relation.HEAD


def _carry_down(values: dict, above: dict) -> bool:
    """Fill the address cells a member's row left blank from the row above. True when one was."""
    filled = False
    same_building = True  # the same building, or the same village group
    for name, key in (("building", building_key), ("group", group_key)):
        if name in values:
            same_building = same_building and name in above and _same(values[name], above[name], key)
        elif name in above:
            values[name] = above[name]
            filled = True
    same_unit = same_building
    if "unit" in values:
        same_unit = same_building and "unit" in above and _same(values["unit"], above["unit"], unit_key)
    elif same_building and "unit" in above:
        values["unit"] = above["unit"]
        filled = True
    for name in ("door", "address"):
        if name in values:
            continue
        if name not in above:
            if DOOR_NOT_CARRIED in above and same_unit:
                values[DOOR_NOT_CARRIED] = above[DOOR_NOT_CARRIED]  # the members below a row that had no door
            continue
        if name == "door" and not same_unit:
            values[DOOR_NOT_CARRIED] = (
                OTHER_PLACE  # another building or unit: its door is missing, not the one above
            )
        elif _starts_household(values):
            values[DOOR_NOT_CARRIED] = NEW_HOUSEHOLD  # a 户主 row starts a household of its own
        else:
            values[name] = above[name]
            filled = True
    return filled


def records(table: Table, mapping: dict[str, str], reading: Reading | None = None):
    """Yield (row number, {field: value}) for each row that names a person.

    A household's address is often written once for all its members: merged over their rows (Excel
    keeps the value in the top cell only) or on the first member's row, the cells below left blank.
    Both are carried down to every member: a merged cell exactly; a blank cell from the row above as
    long as the row stays in the same building and unit and does not start a household of its own
    (a 户主 row). A row whose building or unit differs from the row above gets no door from it.
    Blank rows and rows that name only a place are skipped and counted in `reading`.
    """
    reading = reading if reading is not None else Reading()
    columns = [(i, mapping[h]) for i, h in enumerate(table.headers) if mapping.get(h) in FIELDS]
    address_columns = [(i, name) for i, name in columns if name in ADDRESS_FIELDS]
    address_count = len(address_columns)
    above: dict[str, object] = {}
    for number, cells in table.rows:
        values = {}
        for index, name in columns:
            value = cells[index] if index < len(cells) else ""
            if value not in ("", None):
                values[name] = value
        if not values:
            reading.blank_rows += 1
            continue
        if address_count and sum(1 for _i, name in address_columns if name in values) == address_count:
            if "name" in values or "id_number" in values:
                # Every address cell written (the common case): nothing to carry, this row is the one above.
                above = values
                yield number, values
                continue
        if values.keys() <= _ADDRESS_ONLY:
            reading.place_rows += 1
            # A section title ("2号楼") or a vacant door: what it names holds for the rows below.
            _carry_down(values, above)
            above = {name: values[name] for name in ADDRESS_FIELDS if name in values}
            continue
        filled = False
        if table.merged:
            for index, name in address_columns:
                if name not in values and (number, index) in table.merged:
                    values[name] = table.merged[(number, index)]
                    filled = True
        filled = _carry_down(values, above) or filled
        reading.filled_rows += filled
        above = {name: values[name] for name in (*ADDRESS_FIELDS, DOOR_NOT_CARRIED) if name in values}
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
