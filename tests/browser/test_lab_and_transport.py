"""Boxes, the lab, notices, antigen self-tests and follow-ups in a real browser, at a phone's size
and a desktop's: scanned the way a barcode scanner types (a code, then Enter)."""

import pytest
from playwright.sync_api import expect

from firstline.followups.models import AntigenReport, FollowUp
from firstline.notices.models import NoticeDelivery
from firstline.testing.capture.services import scans_record
from firstline.testing.models import Box, TubeResult
from tests.browser.conftest import PASSWORD, nav_to
from tests.testing.fixtures import desk_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RED = "rgb(183, 28, 28)"


def sign_in(page, live_server, username: str) -> None:
    """Sign in as `username` (signing out whoever was signed in), and wait for the home page."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def wait_for_focus(page) -> None:
    """A scanner types into whatever has the focus: wait until the page has put it in its field."""
    page.wait_for_load_state("load")
    expect(page.locator("input:focus")).to_have_count(1)


def scan(page, code: str) -> None:
    """Type into the focused field as a scanner does, and wait for the page the Enter brings."""
    wait_for_focus(page)
    with page.expect_navigation():
        page.keyboard.type(code)
        page.keyboard.press("Enter")


def test_a_box_goes_from_the_point_to_the_lab_and_its_positive_pool_reaches_the_leader(
    page, live_server, world, residents, round_, point, tmp_path
):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
        + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:]],
    )
    # The volunteer opens a box at the point, scans two tubes in, miscounts, then packs.
    sign_in(page, live_server, "volunteer")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/boxes/")
    assert page.locator("select[name=point] option:checked").inner_text() == "东门采样点 · P1小区"
    scan(page, "box-001")
    assert page.locator("h1 .box-code").inner_text() == "BOX-001"
    scan(page, "TG0000001")
    scan(page, "TG0000002")
    assert (
        page.get_by_test_id("scan-answers").inner_text()
        == "TG0000002: added · the tube was still open and is now closed"
    )
    assert page.get_by_test_id("tube-count").inner_text() == "2 tubes scanned in"
    page.fill("input[name=counted]", "3")
    with page.expect_navigation():
        page.click("button:has-text('Pack the box')")
    assert page.locator("[data-field=counted]").inner_text() == (
        "You counted 3 tubes, but 2 were scanned into box BOX-001. Scan the missing tubes or take out the "
        "extra ones, "
        "then count again."
    )
    page.fill("input[name=counted]", "2")
    with page.expect_navigation():
        page.click("button:has-text('Pack the box')")
    assert page.get_by_test_id("box-status").inner_text() == "Packed"
    assert Box.objects.get().tube_count == 2

    # The lab scans the box code, then its tubes one by one; one tube is not there.
    sign_in(page, live_server, "lab")
    page.goto(f"{live_server.url}/lab/")
    assert page.get_by_test_id("lab-box-BOX-001").locator("td").nth(2).inner_text() == "0 of 2 tubes"
    scan(page, "BOX-001")
    wait_for_focus(page)
    page.keyboard.type("TG0000001")
    page.keyboard.press("Enter")
    assert page.get_by_test_id("scanned-count").inner_text() == "1"
    with page.expect_navigation():
        page.click("button:has-text('Receive the scanned tubes')")
    missing = page.get_by_test_id("missing")
    assert missing.inner_text() == "Missing from the box: TG0000002"
    assert missing.evaluate("e => getComputedStyle(e).color") == RED
    assert page.get_by_test_id("box-status").inner_text() == "Received at the lab"

    # The lab uploads its export (Chinese headers, one positive row) and reads the report.
    export = tmp_path / "核酸结果.csv"
    export.write_text(
        "试管编码,检测结果,报告时间\nTG0000001,阳性,2022-04-04 18:30\nTG0000002,阴性,2022-04-04 18:31\n",
        encoding="utf-8",
    )
    page.goto(f"{live_server.url}/lab/results/upload/")
    page.set_input_files("input[type=file]", str(export))
    page.fill("input[name=lab]", "市三院")
    with page.expect_navigation():
        page.click("button:has-text('Upload')")
    assert [page.get_by_test_id(k).inner_text() for k in ("rows", "stored", "duplicates", "refused")] == [
        "2",
        "1",
        "0",
        "1",
    ]
    assert page.locator("table.report tbody tr").all_inner_texts() == [
        "3\tTG0000002\tTube TG0000002 has not been received at the lab: receive its box first."
    ]
    assert TubeResult.objects.get().result == "positive"

    # The building leader finds the positive pool among the notices and copies its message.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, "leader")
    assert page.get_by_test_id("unread-notices").inner_text() == "1 unread"
    nav_to(page, "Notices")
    notice = page.locator("li.notice")
    assert notice.count() == 1 and "notice-unread" in notice.get_attribute("class")
    assert (
        notice.locator(".notice-title").inner_text()
        == "Positive pool in 第一轮全员核酸: 10 people to re-sample"
    )
    body = notice.locator("textarea").input_value()
    assert body.startswith("Tube TG0000001 of 第一轮全员核酸 tested positive.")
    notice.locator("button.copy").click()
    expect(notice.locator("button.copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == body
    notice.locator("button:has-text('Mark read')").click()
    page.wait_for_selector("li.notice.notice-read")
    assert NoticeDelivery.objects.get(user=world.leader).read_at is not None


def test_a_resident_reports_a_positive_self_test_and_staff_close_the_follow_up(
    page, live_server, world, residents
):
    sign_in(page, live_server, "resident")
    with page.expect_navigation():
        page.get_by_test_id("antigen-entry").click()
    form = page.get_by_test_id("antigen-form")
    form.locator("label.result-positive").click()
    form.locator("select[name=person]").select_option(label="居民11乙")
    form.locator("input[name=note]").fill("嗓子疼")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert (
        page.locator(".messages li")
        .inner_text()
        .startswith(
            "The positive result was recorded. The building leaders and community staff of this door were "
            "told;"
        )
    )
    assert (
        page.locator(".antigen-recent li.antigen-positive")
        .inner_text()
        .endswith("Positive · 居民11乙 — 嗓子疼")
    )
    assert (AntigenReport.objects.count(), FollowUp.objects.get().person) == (1, residents.b1[1])

    sign_in(page, live_server, "staff")
    nav_to(page, "Follow-ups")
    follow_up = page.locator("li.followup")
    assert follow_up.count() == 1
    assert follow_up.locator("p").first.inner_text() == "1号楼 Unit 1 101 · 居民11乙"
    follow_up.locator("input[name=note]").fill("复核核酸阴性，居家观察")
    with page.expect_navigation():
        follow_up.locator("button:has-text('Close')").click()
    assert page.locator(".messages li").inner_text() == "The follow-up was closed."
    assert page.locator("li.followup").count() == 0
    assert page.locator("table.followups-closed tbody tr td").nth(4).inner_text() == "复核核酸阴性，居家观察"
    assert FollowUp.objects.get().status == FollowUp.Status.CLOSED
