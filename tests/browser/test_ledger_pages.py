"""The ledger in a real browser, at a phone's size and a desktop's."""

import io

import pytest
from openpyxl import Workbook

from firstline.people.models import Person
from tests.browser.conftest import sign_in
from tests.conftest import household
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_walks_to_the_building_map_and_opens_a_door(page, live_server, world):
    door = household(world.b1, "501", "Unit 2")
    PersonFactory(
        acting_user=world.staff, household=door, name="孕妇甲", vulnerabilities="孕妇", name_only=True
    )
    sign_in(page, live_server, "leader")
    assert page.locator("a.tile").all_inner_texts() == ["Building 1号楼", "Building 2号楼"]
    page.click("text=1号楼")
    page.wait_for_url(f"**/areas/{world.b1.pk}/")
    page.click("text=Building map")
    assert page.locator("a.door").count() == 24
    vulnerable = page.locator("a.door.map-vulnerable")
    assert vulnerable.count() == 1 and vulnerable.inner_text().splitlines()[0] == "501"
    vulnerable.click()
    page.wait_for_url(f"**/households/{door.pk}/")
    assert page.locator("table.members td a").all_inner_texts() == ["孕妇甲"]


def test_scope_refusal_shows_not_found(page, live_server, world):
    sign_in(page, live_server, "leader")
    response = page.goto(f"{live_server.url}/areas/{world.b9.pk}/map/")
    assert response.status == 404
    assert "1号楼" not in page.content() and "9号楼" not in page.content()


def test_staff_adds_a_member_with_a_messy_id_edits_the_phone_and_sees_a_field_error(page, live_server, world):
    door = household(world.b1, "201")
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/households/{door.pk}/")
    form = page.locator("#add-member form")
    form.locator("input[name=name]").fill("王芳")
    form.locator("input[name=id_number]").fill("１１０１０５１９４９１２３１００２ｘ")
    form.locator("input[name=phone]").fill("+86 138 0013 8000")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.members code").all_inner_texts() == ["110***********002X"]
    page.click("table.members td a")
    page.locator("#edit input[name=phone]").fill("139-0013-9000")
    page.locator("#edit button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "139****9000" in page.locator("dl.facts").inner_text()
    page.locator("#edit input[name=id_number]").fill("110105194912310021")
    page.locator("#edit button[type=submit]").click()
    assert page.locator("[data-field=id_number]").inner_text() == (
        "The check digit is wrong: the last character should be X. Check the number for a typo."
    )
    assert Person.objects.get().phone == "13900139000"


def test_staff_imports_a_list_with_a_bad_row_and_reads_the_report(page, live_server, world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["小区居民名单"])
    sheet.append(["楼号", "单元", "房号", "姓名", "身份证号", "手机号"])
    sheet.append(["1号楼", "1", "101", "张三", "11010519491231002x", "13800138000"])
    sheet.append(["1号楼", "1", "102", "李四", "110105194912310021", "13900139000"])
    path = tmp_path / "名单.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/areas/{world.p1.pk}/")
    page.click("text=Import a resident list")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Upload')")
    assert page.locator("select[aria-label='身份证号']").input_value() == "id_number"
    page.click("button:has-text('Start the import')")
    page.wait_for_selector("[data-testid=created]")
    assert page.locator("[data-testid=import-status]").inner_text() == "Done"
    assert page.locator(".progress").get_attribute("aria-valuenow") == "100"
    assert (
        page.locator("[data-testid=created]").inner_text(),
        page.locator("[data-testid=rejected]").inner_text(),
    ) == ("1", "1")
    assert page.locator("table.report tbody tr").all_inner_texts() == [
        "4\t身份证号\tThe check digit is wrong: the last character should be X. Check the number for a typo."
    ]


def test_a_chinese_phone_gets_chinese_pages(zh_page, live_server, world):
    sign_in(zh_page, live_server, "staff")
    assert zh_page.locator("h1").inner_text() == "今日工作"
    assert zh_page.locator("h2:has-text('我的区域')").count() == 1
    assert zh_page.locator("a.tile").all_inner_texts() == ["社区 C1社区"]


def test_staff_imports_a_property_list_and_reads_every_count_and_warning(page, live_server, world, tmp_path):
    from tests.imports.property_list import property_list
    from tests.imports.test_property_list import compound_of_14_buildings

    compound = compound_of_14_buildings(world)
    path = tmp_path / "睿和新城居民名单.xlsx"
    path.write_bytes(property_list(households=150).data)
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/areas/{compound.pk}/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Upload')")
    assert page.locator("select[aria-label='证件号码']").input_value() == "id_number"
    page.click("button:has-text('Start the import')")
    page.wait_for_selector("[data-testid=created]")
    assert page.locator("[data-testid=import-status]").inner_text() == "Done"
    counts = [
        page.locator(f"[data-testid={name}]").inner_text()
        for name in ("created", "rejected", "filled", "blank", "place-rows")
    ]
    assert counts == ["437", "13", "448", "3", "1"]
    assert page.locator("[data-testid=refused-shown]").inner_text() == "Problems 1–13 of 13"
    assert page.locator("[data-testid=warned-shown]").inner_text() == "Warnings 1–6 of 6"
    assert page.locator("[data-testid=refused] tbody tr").nth(8).inner_text().split("\t") == [
        "307",
        "房号",
        "2号楼 has 6 floors; door 1502 would be on floor 15. Check the door number (or the building's "
        "number of floors).",
    ]
    assert page.locator("[data-testid=warned] tbody tr").nth(1).inner_text().split("\t") == [
        "84",
        "与户主关系",
        "表舅",
        "'表舅' is not a value firstline knows for relation: stored as Other, and the text is kept in the "
        "note.",
    ]
    assert (
        page.locator("[data-testid=report-csv]").get_attribute("href")
        == f"/imports/{Person.objects.first().import_job_id}/report.csv"
    )
