"""Each role's morning on a phone (390×844) in Chinese, from sign-in through the app's own links: the
"today" home, then the day's work (staff: coverage and the call-down page; a building leader and a
unit leader: the missing list of a building or unit; a volunteer: the desk remembered on the device,
and door to door; the lab: a box received by scanning its code on the home, and a positive recorded
after its confirmation). The data is shaped like the demo: a round open over a compound of several
buildings, a building leader of two of them, a unit leader, a sealed building, a box on its way."""

import re

import pytest
from playwright.sync_api import expect

from firstline.accounts.roles import Role
from firstline.areas.models import Area, RiskStatus
from firstline.testing.capture.services import scans_record
from firstline.testing.models import Box, TubeResult
from tests.browser.conftest import sign_in
from tests.conftest import make_user
from tests.factories.testing import BoxFactory
from tests.testing.fixtures import desk_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def morning(world, residents, round_, point):
    """Ten people of 1号楼 sampled into TG0000001 (packed in BOX-001, on its way to the lab), the
    others missing; 2号楼 sealed."""
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]],
    )
    BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    Area.objects.filter(pk=world.b2.pk).update(risk_status=RiskStatus.SEALED)
    return residents


def _home(page):
    expect(page.locator("h1")).to_have_text("今日工作")


def test_staff_go_from_the_home_to_coverage_and_the_call_down_page(
    zh_page, live_server, world, morning, round_, point
):
    page = zh_page
    sign_in(page, live_server, "staff")
    _home(page)
    assert page.get_by_test_id("today-sampled").inner_text() == "10"
    assert page.get_by_test_id("today-expected").inner_text() == "14"
    assert page.get_by_test_id("today-missing").inner_text() == "4"
    expect(page.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "10")
    # The next wave is named on the home, its call-down page one tap away.
    wave = page.get_by_test_id("today-wave")
    expect(wave).to_contain_text("东门采样点")
    expect(wave).to_contain_text("1号楼")
    page.get_by_test_id("today-coverage").click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/coverage/{world.p1.pk}/$"))
    expect(page.get_by_test_id("missing").first).to_have_text("4")
    page.go_back()
    _home(page)
    page.get_by_test_id("today-calldowns").click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/calldowns/{point.pk}/$"))
    expect(page.locator("h1")).to_contain_text("喊楼")
    # From the home to the missing list of the building with most missing.
    page.go_back()
    page.get_by_test_id("today-missing-link").first.click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/missing/\d+/$"))


def test_a_building_leader_sees_each_building_and_opens_its_missing_list(
    zh_page, live_server, world, morning, round_
):
    page = zh_page
    sign_in(page, live_server, "leader")
    _home(page)
    cards = page.get_by_test_id("led-area")
    expect(cards).to_have_count(2)
    first = cards.filter(has_text="1号楼")
    expect(first.get_by_test_id("led-missing")).to_have_text("2")
    expect(cards.filter(has_text="2号楼").get_by_test_id("led-missing")).to_have_text("2")
    first.get_by_test_id("led-missing-link").click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/missing/{world.b1.pk}/$"))
    expect(page.locator("h1")).to_contain_text("1号楼")


def test_a_unit_leader_sees_their_unit_named_with_its_building(zh_page, live_server, world, morning, round_):
    unit = Area.objects.get(parent=world.b1, name="Unit 1")
    make_user("unitleader", Role.BUILDING_LEADER, unit)
    page = zh_page
    sign_in(page, live_server, "unitleader")
    _home(page)
    card = page.get_by_test_id("led-area")
    expect(card).to_have_count(1)
    expect(card.locator("h3")).to_have_text("1号楼 Unit 1")
    expect(card.get_by_test_id("led-missing")).to_have_text("2")
    card.get_by_test_id("led-missing-link").click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/missing/{unit.pk}/$"))


def test_a_volunteers_desk_is_remembered_on_the_phone_and_door_to_door_is_one_tap(
    zh_page, live_server, world, morning, round_, point
):
    page = zh_page
    sign_in(page, live_server, "volunteer")
    _home(page)
    # Nothing remembered yet: no "go to my desk" button, the desks are listed.
    expect(page.get_by_test_id("my-desk")).to_be_hidden()
    page.get_by_role("link", name="2号采样台").first.click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/desk/\?point={point.pk}&desk=2$"))
    # Back on the home the next morning: the desk is the first thing, one tap away.
    page.goto(f"{live_server.url}/")
    mine = page.get_by_test_id("my-desk")
    expect(mine).to_be_visible()
    expect(mine).to_have_text("去我的采样台: 东门采样点 · 2号采样台")
    assert mine.bounding_box()["y"] < 300
    mine.click()
    expect(page).to_have_url(re.compile(rf"/desk/\?point={point.pk}&desk=2$"))
    # The round page offers the same desk at its top.
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/")
    expect(page.get_by_test_id("my-desk")).to_be_visible()
    assert page.get_by_test_id("my-door-to-door").bounding_box()["y"] < 844
    # Door to door: the sealed building's two missing people are a task on the home.
    page.goto(f"{live_server.url}/")
    tasks = page.get_by_test_id("door-tasks")
    expect(tasks).to_contain_text("2号楼")
    expect(tasks).to_contain_text("2 人需入户采样")
    tasks.get_by_role("link", name="2号楼").click()
    expect(page).to_have_url(re.compile(rf"/testing/rounds/{round_.pk}/door/{world.b2.pk}/$"))


def test_the_lab_receives_a_box_scanned_on_the_home_and_confirms_a_positive(
    zh_page, live_server, world, morning, round_
):
    page = zh_page
    sign_in(page, live_server, "lab")
    _home(page)
    expect(page.get_by_text("您还没有负责区域")).to_have_count(0)
    expect(page.get_by_role("button", name="接收", exact=True)).to_be_visible()
    expect(page.get_by_test_id("receive-code")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.type("box-001")
        page.keyboard.press("Enter")
    expect(page.locator("h1 .box-code")).to_have_text("BOX-001")
    page.fill("input[name=counted]", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="按清点数接收").click()
    expect(page.get_by_test_id("box-status")).to_have_text("实验室已接收")
    assert Box.objects.get().status == Box.Status.RECEIVED
    # A positive is asked again, naming its tube, before anything is recorded.
    page.get_by_label("阳性").check()
    page.get_by_test_id("result-tube").fill("TG0000001")
    with page.expect_navigation():
        page.get_by_role("button", name="保存结果").click()
    confirm = page.get_by_test_id("confirm-positive")
    expect(confirm).to_contain_text("TG0000001")
    assert not TubeResult.objects.exists()
    with page.expect_navigation():
        page.get_by_test_id("confirm-positive-yes").click()
    expect(page.get_by_test_id("result-answers")).to_contain_text("TG0000001")
    assert TubeResult.objects.get().result == "positive"
    # The next tube starts with no result chosen.
    expect(page.locator("input[name=result]:checked")).to_have_count(0)
