"""A property manager's resident list, the way real ones arrive: about 3,000 rows of XLSX.

Two title rows above the header; households grouped by building and unit, the building, unit and
door merged over a household's members (even buildings) or written on the first member's row with
the cells below left blank under a section row "N号楼" (odd buildings); blank rows between groups;
the labels real lists use (孙子女, 流动人口, 慢病用药, 孕妇(预产期2022-12-20)); passports, Hong
Kong/Macau and Taiwan permits with and without a 证件类型; and what goes wrong in real files:
ID numbers Excel stored as numbers (numeric cells, scientific notation, trailing zeros), a wrong
check digit, the same person twice, doors on floor 15 of a 6-floor building, a 户主 row without a
door, labels no one knows, a 400-character remark.

`property_list()` returns the file and what was planted in it, row by row, so that a test can
check that the import refused exactly the rows that are wrong and warned on exactly the others.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from openpyxl import Workbook

from firstline.common.identity import resident_id_check_digit

HEADER = [
    "序号",
    "楼栋",
    "单元",
    "房号",
    "姓名",
    "性别",
    "与户主关系",
    "证件类型",
    "证件号码",
    "联系电话",
    "人员类型",
    "疫苗接种",
    "特殊人群",
    "备注",
]
COLUMN = {name: index for index, name in enumerate(HEADER)}
FIRST_DATA_ROW = 4  # two title rows, then the header
UNITS, FLOORS, DOORS_PER_FLOOR = 3, 6, 4  # the list's layout; the buildings are set up with 2 doors a floor
HOUSEHOLDS_PER_BUILDING = UNITS * FLOORS * DOORS_PER_FLOOR
SIZES = [3, 4, 2, 3, 1, 5, 3, 2, 4, 3]  # people per household, in turn: 30 people every 10 households
RELATIONS = [
    "配偶",
    "子女",
    "孙子女",
    "母亲",
    "外孙",
    "儿媳",
    "女婿",
    "兄弟姐妹",
    "孙子",
    "孙女",
    "保姆",
    "租客",
    "其他亲属",
    "外孙女",
    "岳父",
    "婆婆",
]
STATUSES = [
    "常住",
    "常住",
    "流动",
    "户籍",
    "流动人口",
    "暂住",
    "租住",
    "外来",
    "借住",
    "",
    "常住人口",
    "寄住",
]
VACCINATIONS = ["加强针", "两针", "已接种3剂", "未接种", "一针", "", "第二针", "加强", "2剂"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
]
# Doors that cannot exist: households 100, 400 and 700 live "on" floors 15, 18 and 15.
IMPOSSIBLE_DOORS = {100: "1502", 400: "1801", 700: "1503"}
HEAD_WITHOUT_DOOR = 250  # its second member is written as a second 户主, with the door left blank
DUE_DATE = dt.date(2022, 12, 20)


@dataclass
class Planted:
    """What the generator put in the file, by spreadsheet row number."""

    refused: set[tuple[int, str]] = field(default_factory=set)  # (row, field) the import must refuse
    warned: set[tuple[int, str]] = field(default_factory=set)  # (row, field) stored with a warning
    rows_by_kind: dict[str, list[int]] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)  # row -> the resident ID number it was made with
    labels: dict[int, str] = field(default_factory=dict)  # row -> the relation as written
    households: dict[int, list[int]] = field(default_factory=dict)  # household -> its rows
    people_rows: int = 0
    blank_rows: int = 0
    place_rows: int = 0
    filled_rows: int = 0
    buildings: int = 0

    def mark(self, kind: str, row: int) -> None:
        self.rows_by_kind.setdefault(kind, []).append(row)


@dataclass
class PropertyList:
    data: bytes
    planted: Planted


def resident_id(person: int, year: int) -> str:
    first17 = f"110105{year:04d}{1 + person % 12:02d}{1 + person % 28:02d}{person % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def _birth_year(relation: str, person: int) -> int:
    if relation in ("孙子女", "外孙", "孙子", "孙女", "外孙女"):
        return 2010 + person % 10
    if relation in ("子女", "儿媳", "女婿"):
        return 1985 + person % 15
    if relation in ("母亲", "岳父", "婆婆"):
        return 1935 + person % 15
    return 1950 + person % 35


def _needs(person: int) -> str:
    for step, label in (
        (97, "孕妇(预产期2022-12-20)"),
        (89, "高血压、糖尿病"),
        (83, "低保户"),
        (79, "血透"),
        (73, "行动不便(轮椅)"),
        (71, "残疾人"),
        (67, "高龄独居"),
        (61, "空巢老人"),
        (53, "独居"),
        (37, "慢病用药"),
    ):
        if person % step == 0:
            return label
    return "无" if person % 5 == 0 else ""


def property_list(*, households: int = 1000) -> PropertyList:
    planted = Planted()
    book = Workbook()
    sheet = book.active
    sheet.append(["睿和新城小区居民信息登记表（物业导出）"])
    sheet.append(["填报单位：睿和物业服务中心", None, None, None, "日期：2022年11月9日"])
    sheet.append(HEADER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    row = FIRST_DATA_ROW
    person = 0
    ids: list[str] = []
    building_rows: dict[int, list[int]] = {}
    unit_rows: dict[tuple[int, int], list[int]] = {}
    for household in range(households):
        building, within = divmod(household, HOUSEHOLDS_PER_BUILDING)
        merged = building % 2 == 0
        unit = 1 + within // (FLOORS * DOORS_PER_FLOOR)
        floor = 1 + within % (FLOORS * DOORS_PER_FLOOR) // DOORS_PER_FLOOR
        door = IMPOSSIBLE_DOORS.get(household) or f"{floor}{1 + within % DOORS_PER_FLOOR:02d}"
        if within == 0 and not merged:
            # The blank variant opens each building with a section row naming it.
            sheet.append([None, f"{building + 1}号楼"])
            planted.place_rows += 1
            row += 1
        first_row = row
        for member in range(SIZES[household % 10]):
            relation = "户主" if member == 0 else RELATIONS[(household + member) % len(RELATIONS)]
            cells: list = [None] * len(HEADER)
            cells[COLUMN["序号"]] = person + 1
            cells[COLUMN["姓名"]] = SURNAMES[person % len(SURNAMES)] + GIVEN[(person // 7) % len(GIVEN)]
            number = resident_id(person, _birth_year(relation, person))
            cells[COLUMN["证件号码"]] = number
            cells[COLUMN["性别"]] = "男" if int(number[16]) % 2 else "女"
            cells[COLUMN["与户主关系"]] = relation
            cells[COLUMN["联系电话"]] = f"13{person % 10}{person:08d}" if member < 2 else None
            cells[COLUMN["人员类型"]] = STATUSES[person % len(STATUSES)]
            cells[COLUMN["疫苗接种"]] = VACCINATIONS[person % len(VACCINATIONS)]
            cells[COLUMN["特殊人群"]] = _needs(person)
            if member == 0:
                # Written once: the merged variant merges the cells below, the blank one leaves them empty.
                cells[COLUMN["房号"]] = door
                if not merged or (building, unit) not in unit_rows:
                    cells[COLUMN["单元"]] = str(unit)
                if merged and building not in building_rows:
                    cells[COLUMN["楼栋"]] = f"{building + 1}号楼"
            _plant(cells, planted, person=person, row=row, member=member, household=household, ids=ids)
            ids.append(number if cells[COLUMN["证件号码"]] == number else None)
            planted.numbers[row] = number
            planted.labels[row] = cells[COLUMN["与户主关系"]]
            planted.households.setdefault(household, []).append(row)
            if household in IMPOSSIBLE_DOORS:
                planted.refused.add((row, "door"))
                planted.mark("door_above_top_floor", row)
            if household == HEAD_WITHOUT_DOOR and member >= 1:
                planted.refused.add((row, "door"))
                planted.mark("head_without_door", row)
            # Every row takes something from above but a merged building's first one (which holds its value),
            # and the blank variant's rows take at least the building from the section row.
            if not (merged and building not in building_rows):
                planted.filled_rows += 1
            sheet.append(cells)
            building_rows.setdefault(building, []).append(row)
            unit_rows.setdefault((building, unit), []).append(row)
            planted.people_rows += 1
            person += 1
            row += 1
        if merged and row - 1 > first_row:
            letter = chr(ord("A") + COLUMN["房号"])
            sheet.merge_cells(f"{letter}{first_row}:{letter}{row - 1}")
        if household % 40 == 39 and household != households - 1:
            sheet.append([])
            planted.blank_rows += 1
            row += 1
    for (building, _unit), rows in unit_rows.items():
        if building % 2 == 0 and len(rows) > 1:
            letter = chr(ord("A") + COLUMN["单元"])
            sheet.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    for building, rows in building_rows.items():
        if building % 2 == 0 and len(rows) > 1:
            letter = chr(ord("A") + COLUMN["楼栋"])
            sheet.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    planted.buildings = max(building_rows) + 1
    buffer = io.BytesIO()
    book.save(buffer)
    return PropertyList(data=buffer.getvalue(), planted=planted)


def _plant(
    cells: list, planted: Planted, *, person: int, row: int, member: int, household: int, ids: list[str]
) -> None:
    """Put this row's odd document, label or mistake in, and note what the import must make of it."""
    number = cells[COLUMN["证件号码"]]

    def refuse(kind: str, field_name: str) -> None:
        planted.refused.add((row, field_name))
        planted.mark(kind, row)

    def warn(kind: str, field_name: str) -> None:
        planted.warned.add((row, field_name))
        planted.mark(kind, row)

    if person % 100 == 7 and not number.endswith("X"):
        cells[COLUMN["证件号码"]] = int(number)  # a number cell: Excel keeps 15 digits of it
        refuse("numeric_cell", "id_number")
    elif person % 500 == 13:
        cells[COLUMN["证件号码"]] = f"{number[0]}.{number[1:6]}E+17"  # as a CSV saved by Excel shows it
        refuse("scientific", "id_number")
    elif person % 1000 == 21 and resident_id_check_digit(number[:15] + "00") != "0":
        cells[COLUMN["证件号码"]] = number[:15] + "000"  # the 15 digits Excel kept, padded
        refuse("trailing_zeros", "id_number")
    elif person % 300 == 42:
        wrong = "0" if number[-1] != "0" else "1"
        cells[COLUMN["证件号码"]] = number[:17] + wrong
        refuse("check_digit", "id_number")
    elif person % 150 == 60:
        cells[COLUMN["证件类型"]], cells[COLUMN["证件号码"]] = "护照", f"E{person:08d}"
        cells[COLUMN["性别"]] = "女"
        planted.mark("passport_typed", row)
    elif person % 150 == 61:
        cells[COLUMN["证件号码"]] = f"E{person:08d}" if person % 2 else f"EA{person:07d}"
        cells[COLUMN["性别"]] = "男"
        planted.mark("passport_by_shape", row)
    elif person % 150 == 62:
        cells[COLUMN["证件号码"]], cells[COLUMN["备注"]] = f"X{person:07d}", "美国护照"
        cells[COLUMN["性别"]] = "男"
        planted.mark("passport_by_note", row)
    elif person % 200 == 63:
        cells[COLUMN["证件号码"]] = f"H{person:08d}"
        cells[COLUMN["性别"]] = "女"
        planted.mark("hk_macau_by_shape", row)
    elif person % 200 == 64:
        cells[COLUMN["证件类型"]], cells[COLUMN["证件号码"]] = "港澳居民来往内地通行证", f"M{person:010d}"
        cells[COLUMN["性别"]] = "男"
        planted.mark("hk_macau_typed", row)
    elif person % 500 == 65:
        cells[COLUMN["证件号码"]] = f"{10000000 + person:08d}"
        cells[COLUMN["性别"]] = "女"
        warn("taiwan_by_shape", "id_number")
    elif person % 400 == 70 and member > 0:
        cells[COLUMN["证件类型"]], cells[COLUMN["证件号码"]], cells[COLUMN["性别"]] = "无", None, "男"
        cells[COLUMN["特殊人群"]] = "婴儿(8个月)"
        planted.mark("infant", row)
    elif person % 1000 == 95 and ids[-1]:
        cells[COLUMN["证件号码"]] = ids[-1]  # the number of the row above again
        cells[COLUMN["性别"]] = None
        refuse("same_id_as_row_above", "id_number")
    elif person % 1000 == 97:
        cells[COLUMN["联系电话"]] = "1380013800"
        refuse("bad_phone", "phone")
    if member > 0:
        if person % 700 == 80:
            cells[COLUMN["与户主关系"]] = "表舅"
            warn("unknown_relation", "relation")
        elif person % 700 == 81:
            cells[COLUMN["人员类型"]] = "户在人不在"
            warn("unknown_status", "status")
    if person % 700 == 82:
        cells[COLUMN["疫苗接种"]] = "已接种"
        warn("unknown_vaccination", "vaccination")
    elif person % 700 == 83:
        cells[COLUMN["特殊人群"]] = "党员"
        warn("unknown_need", "vulnerabilities")
    elif person % 1500 == 90:
        cells[COLUMN["备注"]] = "长期在外地务工，春节返回。" * 31  # 403 characters
        warn("long_note", "note")
    elif person % 1500 == 91:
        cells[COLUMN["特殊人群"]] = "孕妇(预产期2022-13-45)"
        warn("bad_due_date", "vulnerabilities")
    elif person % 400 == 99:
        cells[COLUMN["特殊人群"]] = "孕妇 预产期 2022/12/20"
        planted.mark("pregnant_due_date_apart", row)
    if household == HEAD_WITHOUT_DOOR and member == 1:
        cells[COLUMN["与户主关系"]] = "户主"
