"""A resident's morning on a phone, in Chinese: sign in, their page with their codes (read back off
the screen as a desk's scanner would), full screen for the desk, a notice and where it leads, the
antigen report. And a leader's long notice, shown whole, with its link to the positive pools."""

import re

import pytest
from playwright.sync_api import expect

from firstline.areas.models import Area
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.services import ResultIn, results_report
from tests.browser.conftest import sign_in
from tests.browser.qr import read_qr
from tests.conftest import household
from tests.testing.fixtures import fill
from tests.testing.lab.test_results import boxed_and_received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QR_DATA = re.compile(r'class="qrline" stroke="#000" d="([^"]+)"')


def test_a_residents_morning_their_code_a_notice_and_the_antigen_report(
    zh_page, live_server, world, residents, round_, point
):
    page = zh_page
    mine = residents.b1[:2]  # the two people of the resident's door, 1号楼 Unit 1 101
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    boxed_and_received(world, round_, point, ["TG0000001"])
    results_report(acting_user=world.lab, source="upload", results=[ResultIn("TG0000001", "阴性")])
    coverage_services.call_down_issue(
        acting_user=world.staff,
        round=round_,
        point=point,
        stairwells=[Area.objects.get(parent=world.b1, name="Unit 1")],
        people_expected=12,
    )
    sign_in(page, live_server, "resident")
    # Their page first: the door, then each member's code, large enough to scan off the screen.
    expect(page.get_by_test_id("resident-door")).to_contain_text("我家 · 1号楼Unit 1101")
    first = page.get_by_test_id("resident-code").first
    qr = first.locator(".qr-screen svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 250 and abs(box["width"] - box["height"]) < 2, box
    assert box["y"] < 844, "the first code is on the first screen"
    # The same signed code the desk scans: drawn from it, and read back off the screen.
    expected = residents.codes[mine[0].pk]
    assert QR_DATA.search(qr.evaluate("node => node.outerHTML")).group(1) == QR_DATA.search(
        codes.qr_svg_screen(expected)
    ).group(1)
    assert read_qr(qr.screenshot()) == expected
    family = PersonalCode.objects.get(household=household(world.b1, "101"), kind=CodeKind.FAMILY)
    assert read_qr(page.get_by_test_id("family-code").locator("svg").screenshot()) == codes.payload_for(
        family.code
    )
    # Their latest results, in words; nobody else's names.
    results = page.get_by_test_id("latest-result")
    expect(results.first).to_contain_text("第一轮全员核酸")
    expect(results.first).to_contain_text("阴性")
    assert residents.b1[2].name not in page.content()
    # Full screen for the desk: the code alone, as wide as the phone allows, the name masked.
    first.get_by_test_id("code-full-screen").click()
    full = page.get_by_test_id("code-full")
    expect(full).to_contain_text("居***甲 · 1号楼Unit 1101")
    big = full.locator("svg").bounding_box()
    assert big["width"] >= 300, big
    assert read_qr(full.locator("svg").screenshot()) == expected
    page.get_by_role("link", name="返回").click()
    # The call-down of their stairwell, whole, and where it leads: their code.
    notice = page.get_by_test_id("resident-notice").first
    expect(notice).to_contain_text("please come down now")
    notice.get_by_test_id("notice-link").click()
    expect(page).to_have_url(f"{live_server.url}/mine/")
    expect(page.get_by_test_id("resident-code").first.locator("svg")).to_be_visible()
    # The antigen report for their household.
    page.get_by_test_id("antigen-entry").click()
    expect(page).to_have_url(f"{live_server.url}/antigen/")
    expect(page.locator("main")).to_contain_text("1号楼Unit 1101")
    # A page that does not exist: the friendly page in Chinese, never Django's list of addresses.
    answer = page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/")
    assert answer.status == 404
    expect(page.get_by_test_id("not-found")).to_contain_text("页面不存在")
    assert "URLconf" not in page.content()


def test_a_leaders_long_notice_is_shown_whole_and_leads_to_the_positive_pools(
    zh_page, live_server, world, residents, round_, point
):
    page = zh_page
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    boxed_and_received(world, round_, point, ["TG0000001"])
    results_report(acting_user=world.lab, source="upload", results=[ResultIn("TG0000001", "阳性")])
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/notices/")
    notice = page.locator(".kind-pool_positive")
    body = notice.locator("textarea")
    expect(body).to_be_visible()
    # Whole: the box is as tall as its text (nothing to scroll inside it), the last door visible.
    sizes = body.evaluate("node => [node.scrollHeight, node.clientHeight]")
    assert sizes[0] <= sizes[1] + 2, sizes
    notice.get_by_test_id("notice-link").click()
    expect(page).to_have_url(f"{live_server.url}/testing/rounds/{round_.pk}/positives/")
    expect(page.locator("main")).to_contain_text("TG0000001")


def test_staff_print_a_family_card_for_a_resident_without_a_smartphone(
    zh_page, live_server, world, residents
):
    page = zh_page
    door = household(world.b1, "101")
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/households/{door.pk}/")
    page.get_by_test_id("print-cards").get_by_role("link", name="打印家庭码卡片").click()
    expect(page).to_have_url(f"{live_server.url}/households/{door.pk}/family-card/")
    card = page.locator(".code-card svg")
    expect(card).to_be_visible()
    assert read_qr(card.screenshot()) == residents.family_code
    page.emulate_media(media="print")
    # On A4 (210 mm, 794 px): the page's bar and buttons gone, the code 50 mm wide.
    page.set_viewport_size({"width": 794, "height": 1123})
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("button[data-print]")).to_be_hidden()
    assert abs(card.bounding_box()["width"] - 189) < 3, card.bounding_box()
    # On A6 (105 mm, 397 px): one card a sheet, the code 75 mm wide, still read.
    page.set_viewport_size({"width": 397, "height": 559})
    assert abs(card.bounding_box()["width"] - 283) < 3, card.bounding_box()
    assert read_qr(card.screenshot()) == residents.family_code
