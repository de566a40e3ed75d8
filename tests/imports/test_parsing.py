"""Reading a list: a household's address carried down to its members, and only to them."""

import io

from openpyxl import Workbook

from firstline.common.identity import SpreadsheetNumber
from firstline.imports import parsing

HEADER = ["楼号", "单元", "房号", "姓名", "与户主关系", "身份证号"]
MAPPING = {
    "楼号": "building",
    "单元": "unit",
    "房号": "door",
    "姓名": "name",
    "与户主关系": "relation",
    "身份证号": "id_number",
}


def _read(rows: list[list], merges: tuple[str, ...] = ()) -> tuple[list[tuple[int, dict]], parsing.Reading]:
    book = Workbook()
    sheet = book.active
    sheet.append(["某小区居民名单"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    table = parsing.read_table(buffer.getvalue(), "xlsx")
    reading = parsing.Reading()
    found = [
        (
            number,
            {k: v for k, v in values.items() if k in ("building", "unit", "door", parsing.DOOR_NOT_CARRIED)},
        )
        for number, values in parsing.records(table, MAPPING, reading)
    ]
    return found, reading


def test_merged_cells_give_every_member_the_household_address():
    found, reading = _read(
        [
            ["1号楼", "1", "501", "王芳", "户主"],
            [None, None, None, "李强", "配偶"],
            [None, None, "502", "赵敏", "户主"],
            [
                None,
                None,
                None,
                "赵小敏",
                "户主",
            ],  # a second head inside the merged door: the sheet says they share it
        ],
        merges=("A3:A6", "B3:B6", "C3:C4", "C5:C6"),
    )
    assert found == [
        (3, {"building": "1号楼", "unit": "1", "door": "501"}),
        (4, {"building": "1号楼", "unit": "1", "door": "501"}),
        (5, {"building": "1号楼", "unit": "1", "door": "502"}),
        (6, {"building": "1号楼", "unit": "1", "door": "502"}),
    ]
    assert (reading.filled_rows, reading.blank_rows) == (3, 0)


def test_blank_cells_under_a_household_are_carried_but_not_into_a_new_household_or_place():
    found, reading = _read(
        [
            ["1号楼", "1", "501", "王芳", "户主"],
            [None, None, None, "李强", "配偶"],
            [],
            [None, None, None, "王小", "孙子女"],  # a blank row inside the household changes nothing
            [None, None, None, "张三", "户主"],  # a new household without its door
            [None, None, None, "张四", "子女"],  # ... and its member
            [None, "2", None, "钱七", "子女"],  # another unit (and no door above to carry anyway)
            [None, "2", "301", "周九", "户主"],
            [None, "3", None, "吴十", "子女"],  # another unit: the door above is not this row's
            ["2号楼", None, None, "孙八", "配偶"],  # another building: neither unit nor door carried
        ]
    )
    assert found == [
        (3, {"building": "1号楼", "unit": "1", "door": "501"}),
        (4, {"building": "1号楼", "unit": "1", "door": "501"}),
        (6, {"building": "1号楼", "unit": "1", "door": "501"}),
        (7, {"building": "1号楼", "unit": "1", parsing.DOOR_NOT_CARRIED: parsing.NEW_HOUSEHOLD}),
        (8, {"building": "1号楼", "unit": "1", parsing.DOOR_NOT_CARRIED: parsing.NEW_HOUSEHOLD}),
        (9, {"building": "1号楼", "unit": "2"}),
        (10, {"building": "1号楼", "unit": "2", "door": "301"}),
        (11, {"building": "1号楼", "unit": "3", parsing.DOOR_NOT_CARRIED: parsing.OTHER_PLACE}),
        (12, {"building": "2号楼"}),
    ]
    assert (reading.filled_rows, reading.blank_rows, reading.place_rows) == (7, 1, 0)


def test_a_section_row_names_the_building_of_the_rows_below():
    found, reading = _read(
        [
            ["3号楼"],
            [None, "1", "101", "王芳", "户主"],
            [None, None, None, "李强", "配偶"],
            ["4号楼"],
            [None, "1", "101", "赵敏", "户主"],
            [],
            [],  # formatted rows at the bottom are not rows of the list
        ]
    )
    assert found == [
        (4, {"building": "3号楼", "unit": "1", "door": "101"}),
        (5, {"building": "3号楼", "unit": "1", "door": "101"}),
        (7, {"building": "4号楼", "unit": "1", "door": "101"}),
    ]
    assert (reading.place_rows, reading.filled_rows, reading.blank_rows) == (2, 3, 0)


def test_an_id_number_excel_stored_as_a_number_is_marked_not_written_as_a_float():
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["1号楼", "1", "501", "王芳", "户主", 110105194912310021])
    book.active.append(["1号楼", "1", "501", "李强", "配偶", 13800138000])
    buffer = io.BytesIO()
    book.save(buffer)
    table = parsing.read_table(buffer.getvalue(), "xlsx")
    (_n, first), (_m, second) = list(parsing.records(table, MAPPING))
    assert (type(first["id_number"]), first["id_number"]) == (SpreadsheetNumber, "110105194912310000")
    assert (type(second["id_number"]), second["id_number"]) == (str, "13800138000")
