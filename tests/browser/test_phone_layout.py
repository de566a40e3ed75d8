"""The design system on a phone (390×844): a one-line header with a menu, languages named in their own
language, tables that become cards (no sideways scroll, no name one character a line, no address cut
mid-word, the lab's result select and Record button on screen), and the axe-core hook that fails a
page with a violation."""

import os

import pytest
from playwright.sync_api import expect

from firstline.testing.capture.services import scans_record
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.transport import services as transport
from tests.browser.conftest import (
    AXE_ON,
    AxeWatch,
    Violations,
    fail_on_violations,
    open_menu,
    sign_in,
    url_pattern,
)
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.factories.testing import BoxFactory
from tests.testing.fixtures import desk_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 390
SHOTS = os.environ.get("FIRSTLINE_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _fits_the_phone(page) -> None:
    """Nothing wider than the screen: the page never scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url


# The lines an element's text takes: the distinct tops of the boxes of its text (a Range's client rects).
_TEXT_LINES = """e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const rects = [...range.getClientRects()].filter(r => r.width > 0);
  const box = range.getBoundingClientRect();
  return {lines: new Set(rects.map(r => Math.round(r.top))).size, left: box.left, right: box.right};
}"""


def _one_line(locator) -> None:
    """Each of these elements' text sits on one line, on screen: not one character a line, not cut."""
    assert locator.count() > 0
    for element in locator.all():
        text = element.inner_text()
        got = element.evaluate(_TEXT_LINES)
        assert got["lines"] == 1, f"{text!r} wraps onto {got['lines']} lines"
        assert got["left"] >= 0 and got["right"] <= PHONE, f"{text!r} is off the screen: {got}"


def _on_screen(locator) -> None:
    for element in locator.all():
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, f"{element} is off the screen: {box}"
        assert box["height"] >= 44, f"{element} is a small tap target: {box}"


@pytest.mark.viewports("phone", "desktop")
def test_the_header_is_one_line_on_a_phone_with_a_menu_and_inline_on_a_desktop(page, live_server, world):
    sign_in(page, live_server, "staff")
    header = page.locator("header.topbar")
    menu = header.locator("summary")
    links = header.locator("nav.mainnav a")
    if page.viewport_name == "phone":
        assert header.bounding_box()["height"] <= 64
        assert menu.bounding_box()["height"] >= 44 and menu.bounding_box()["width"] >= 44
        expect(menu).to_have_accessible_name("Menu")
        expect(links.first).to_be_hidden()
        _shot(page, "header-phone")
        menu.click()
        expect(links.first).to_be_visible()
        _shot(page, "menu-open-phone")
        for link in links.all():
            assert link.bounding_box()["height"] >= 44
        expect(header.locator("select[name=language]")).to_be_visible()
        expect(header.get_by_role("button", name="Sign out (staff)")).to_be_visible()
    else:
        expect(menu).to_be_hidden()
        expect(links.first).to_be_visible()
        assert header.bounding_box()["height"] <= 64
        _shot(page, "header-desktop")
    links.filter(has_text="Search").click()
    page.wait_for_url("**/search/")


def test_each_language_is_named_in_itself(zh_page, live_server, world):
    sign_in(zh_page, live_server, "staff")
    open_menu(zh_page)
    select = zh_page.locator("select[name=language]")
    assert select.locator("option").all_inner_texts() == ["简体中文", "English"]
    assert select.locator("option:checked").inner_text() == "简体中文"
    with zh_page.expect_navigation():
        select.select_option("en")
    assert zh_page.locator("html").get_attribute("lang") == "en"
    open_menu(zh_page)
    assert zh_page.locator("select[name=language] option").all_inner_texts() == ["简体中文", "English"]


def test_search_household_and_audit_are_cards_on_a_phone(zh_page, live_server, world):
    page = zh_page
    door = household(world.b1, "501", "Unit 2")
    for name in ("欧阳娜娜", "王芳"):
        PersonFactory(acting_user=world.staff, household=door, name=name, phone="13800138000")
    sign_in(page, live_server, "staff")

    page.goto(f"{live_server.url}/search/")
    search = page.locator("form.searchbar button")
    page.fill("input[name=q]", "1-2-501")
    search.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.results tbody tr").count() == 2
    _fits_the_phone(page)
    _shot(page, "search")
    _one_line(page.locator("form.searchbar button"))  # 查找 / 搜索 never breaks into two lines
    _one_line(page.locator("table.results td.card-title a"))
    _one_line(page.locator("table.results td a.place").filter(has_text="501"))
    _one_line(page.locator("table.results td.nowrap"))  # the masked phone, whole

    page.locator("table.results a[href^='/households/']").first.click()
    page.wait_for_url(f"**/households/{door.pk}/")
    _fits_the_phone(page)
    _shot(page, "household")
    _one_line(page.locator("table.members td.card-title a"))
    _one_line(page.locator("table.members td.nowrap"))
    labels = (
        page.locator("table.members tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    )
    assert labels[:3] == ['"姓名"', '"关系"', '"年龄"']

    page.goto(f"{live_server.url}/audit/")
    assert page.locator("table.audit tbody tr").count() > 0
    _fits_the_phone(page)
    _shot(page, "audit")
    _one_line(page.locator("table.audit tbody tr td.nowrap"))  # the time stamp


def _received_box(world, residents, round_, point):
    for tube, people in (("TG0000001", residents.b1[:10]), ("TG0000002", residents.b1[10:] + residents.b2)):
        scans_record(
            acting_user=world.volunteer,
            round=round_,
            scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
        )
    box = BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001", "TG0000002"],
        packed=True,
    )
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    transport.box_receive(acting_user=world.lab, box=box, counted=2)
    return box


def test_the_lab_box_keeps_its_result_select_and_record_button_on_screen(
    zh_page, live_server, world, residents, round_, point
):
    page = zh_page
    box = _received_box(world, residents, round_, point)
    sign_in(page, live_server, "lab")
    page.goto(f"{live_server.url}/lab/boxes/{box.pk}/")
    rows = page.locator("table.tubes tbody tr")
    assert rows.count() == 2
    _fits_the_phone(page)
    _shot(page, "lab-box")
    _one_line(page.locator("table.tubes td.card-title code"))
    _on_screen(page.locator("table.tubes form.inline select"))
    _on_screen(page.locator("table.tubes form.inline button"))
    _one_line(page.locator("table.tubes form.inline button"))


def test_positives_keep_names_and_doors_whole(zh_page, live_server, world, residents, round_, point):
    page = zh_page
    _received_box(world, residents, round_, point)
    results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "阳性"), ResultIn("TG0000002", "阴性")],
    )
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/positives/")
    people = page.locator("[data-testid=positive-person]")
    assert people.count() == 10
    _fits_the_phone(page)
    _shot(page, "positives")
    _one_line(people.locator(".name"))
    _one_line(people.locator(".door"))  # 1号楼 Unit 1 101: one phrase, not a column of characters


def test_the_axe_hook_fails_a_page_with_a_violation(browser, live_server, world):
    """What every browser test relies on: axe-core runs on each page loaded and its findings fail the test."""
    if not AXE_ON:
        pytest.skip("FIRSTLINE_AXE=0 turns axe-core off")
    context = browser.new_context(viewport={"width": PHONE, "height": 844})
    violations = Violations()
    violations.axe = AxeWatch(context, checked=set())  # its own record: this page is checked here
    page = context.new_page()
    page.route(
        "http://axe.test/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
            '<input name="unlabelled"><button></button></main></html>',
        ),
    )
    page.goto("http://axe.test/form/12/")
    violations.axe.settle(context)  # its check done before the page is left
    # One of ours, under its Content-Security-Policy: axe-core is injected and runs (a refused
    # injection would leave the pattern unchecked, and the policy watcher would report it).
    page.goto(f"{live_server.url}/login/")
    violations.axe.settle(context)
    context.close()
    assert url_pattern(f"{live_server.url}/login/") in violations.axe.checked
    found = " ".join(violations.axe.violations)
    assert "label (critical)" in found and "button-name (critical)" in found
    assert "http://axe.test/form/12/: " in found
    with pytest.raises(pytest.fail.Exception, match="axe-core: serious or critical"):
        fail_on_violations(violations)
