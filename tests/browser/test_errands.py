"""Help requests in the browser, on a phone in Chinese: the seeds' infant formula, stroke medicine,
a pregnant woman's hospital pass and documents from another compound, from the staff's
phone intake to the household's confirmation; insulin for a quarantined resident, critical at the
top of the queue, escalated when overdue and confirmed from the one-time link; a neighbour's offer
accepted."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from firstline.accounts.roles import Role
from firstline.areas.models import RiskStatus
from firstline.errands.models import HelpRequest
from firstline.notices.models import Notice
from tests.browser.conftest import sign_in
from tests.conftest import household, make_user
from tests.factories.errands import help_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def _intake(
    page, live_server, world, door_text: str, *, category: str, urgency: str, details: str, brand="", maker=""
):
    page.goto(f"{live_server.url}/errands/new/?site={world.p1.pk}")
    picker = page.get_by_test_id("door-picker")
    picker.locator("input[name=door_q]").fill(door_text)
    expect(picker.locator("label.door-choice input")).to_be_checked()
    form = page.get_by_test_id("help-intake")
    form.locator(f"input[name=category][value={category}]").check()
    form.locator(f"input[name=urgency][value={urgency}]").check()
    form.locator("textarea[name=details]").fill(details)
    if brand:
        form.locator("input[name=brand]").fill(brand)
        form.locator("input[name=maker]").fill(maker)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/errands/*/")
    return HelpRequest.objects.order_by("-pk").first()


def test_infant_formula_from_the_phone_to_the_households_rating(zh_page, live_server, world):
    page = zh_page
    sign_in(page, live_server, "staff")
    request = _intake(
        page,
        live_server,
        world,
        "1-1-101",
        category="formula",
        urgency="urgent",
        details="8个月宝宝奶粉没了",
        brand="飞鹤星飞帆",
        maker="飞鹤乳业",
    )
    expect(page.get_by_test_id("help-brand")).to_contain_text("飞鹤星飞帆")
    expect(page.get_by_test_id("help-brand")).to_contain_text("飞鹤乳业")
    page.get_by_test_id("help-assignee").select_option(f"u{world.volunteer.pk}")
    page.locator("form.help-assign button").click()
    expect(page.get_by_test_id("help-state")).to_have_text("已派单")
    _switch(page, live_server, "volunteer")
    page.goto(f"{live_server.url}/errands/mine/")
    page.get_by_test_id("my-errands").locator("a").first.click()
    page.locator("input[name=text]").first.fill("母婴店有货，已买到")
    page.locator("button[name=action][value=done]").click()
    expect(page.get_by_test_id("help-timeline")).to_contain_text("母婴店有货，已买到")
    _switch(page, live_server, "resident")
    page.goto(f"{live_server.url}/help/mine/")
    rows = page.get_by_test_id("resident-requests")
    rows.locator("input[name=rating][value='5']").check()
    rows.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert (request.state, request.rating) == ("confirmed", 5)


def test_insulin_for_a_quarantined_resident_tops_the_queue_is_escalated_and_confirmed(
    zh_page, live_server, world
):
    page = zh_page
    door = household(world.b1, "201", "Unit 1")
    door.risk_status = RiskStatus.SEALED
    door.save()
    earlier = help_request(world.staff, household(world.b1, "102"), "documents")
    sign_in(page, live_server, "staff")
    request = _intake(
        page,
        live_server,
        world,
        "1-1-201",
        category="medicine",
        urgency="normal",
        details="隔离在家，胰岛素快用完了",
        brand="诺和锐",
        maker="诺和诺德",
    )
    assert request.urgency == "critical"  # insulin is always critical
    expect(page.get_by_test_id("help-risk")).to_have_class("badge sealed")
    page.goto(f"{live_server.url}/errands/")
    top = page.get_by_test_id("help-row").first
    expect(top).to_have_class("help-row help-top")
    expect(top.locator("a")).to_have_attribute("href", f"/errands/{request.pk}/")
    expect(page.get_by_test_id("help-row").nth(1).locator("a")).to_have_attribute(
        "href", f"/errands/{earlier.pk}/"
    )
    # An hour and a half later nobody has taken it: the pass escalates it, once.
    HelpRequest.objects.filter(pk=request.pk).update(due_at=request.due_at - dt.timedelta(hours=2))
    call_command("errands_escalate", stdout=open("/dev/null", "w"))
    call_command("errands_escalate", stdout=open("/dev/null", "w"))
    assert Notice.objects.filter(ref__startswith="errands.escalated:").count() == 1
    page.reload()
    expect(top).to_have_class("help-row help-top help-overdue")
    expect(top.locator(".badge-warn")).to_be_visible()
    page.goto(f"{live_server.url}/errands/{request.pk}/")
    page.locator("button[name=action][value=take]").click()
    page.locator("button[name=action][value=done]").click()
    # Staff read the household its one-time link (it was also on the public page's answer).
    url = page.get_by_test_id("confirm-url").inner_text()
    assert url.endswith(f"/help/confirm/{request.confirm_token}/")
    page.context.clear_cookies()
    page.goto(url)
    page.locator("input[name=rating][value='4']").check()
    page.get_by_test_id("help-confirm").locator("button").click()
    expect(page.get_by_test_id("help-confirmed")).to_be_visible()
    request.refresh_from_db()
    assert (request.state, request.rating, request.escalated_at is not None) == ("confirmed", 4, True)


def test_a_neighbours_offer_is_accepted(zh_page, live_server, world):
    page = zh_page
    elder = household(world.b1, "101", "Unit 2")
    request = help_request(
        world.staff, elder, "documents", category="groceries", details="80岁老人不会网上买菜"
    )
    make_user("neighbour", Role.RESIDENT, household(world.b1, "601", "Unit 2"))
    sign_in(page, live_server, "neighbour")
    page.goto(f"{live_server.url}/help/mine/")
    offers = page.get_by_test_id("neighbour-requests")
    expect(offers).to_contain_text("80岁老人不会网上买菜")
    offers.locator("input[name=text]").fill("我家菜多，送一袋给奶奶")
    offers.locator("button").click()
    page.wait_for_load_state("networkidle")
    _switch(page, live_server, "staff")
    page.goto(f"{live_server.url}/errands/{request.pk}/")
    page.get_by_test_id("help-offer").locator("button[value=accept]").click()
    expect(page.get_by_test_id("help-offer")).to_contain_text("我家菜多")
    request.refresh_from_db()
    assert (request.state, request.assigned_user.username) == ("assigned", "neighbour")


@pytest.mark.parametrize(
    ("category", "urgency", "details", "brand", "maker", "note"),
    [
        # Seed 003: a stroke patient's daily medicine, the brand and the maker exactly as on the box.
        (
            "medicine",
            "urgent",
            "脑梗后每天吃的阿司匹林肠溶片没有了",
            "拜阿司匹灵",
            "拜耳医药",
            "药店买到同款",
        ),
        # Seed 001: a pregnant woman's check-up at the maternity hospital needs a pass out and back.
        (
            "hospital",
            "urgent",
            "孕36周，明天上午去妇幼保健院产检，需要出入通行证",
            "",
            "",
            "通行证已开，车已约",
        ),
        # Seed 000: documents left at a relative's in another compound.
        ("documents", "normal", "户口本落在绿园小区亲戚家，办住院要用", "", "", "已从绿园小区取回"),
    ],
    ids=["stroke-medicine", "hospital-pass", "documents"],
)
def test_the_seeds_other_requests_from_intake_to_the_households_confirmation(
    zh_page, live_server, world, category, urgency, details, brand, maker, note
):
    page = zh_page
    sign_in(page, live_server, "staff")
    request = _intake(
        page,
        live_server,
        world,
        "1-1-101",
        category=category,
        urgency=urgency,
        details=details,
        brand=brand,
        maker=maker,
    )
    assert (request.category, request.urgency, request.details) == (category, urgency, details)
    if brand:
        expect(page.get_by_test_id("help-brand")).to_contain_text(brand)
        expect(page.get_by_test_id("help-brand")).to_contain_text(maker)
    page.get_by_test_id("help-assignee").select_option(f"u{world.volunteer.pk}")
    page.locator("form.help-assign button").click()
    expect(page.get_by_test_id("help-state")).to_have_text("已派单")
    _switch(page, live_server, "volunteer")
    page.goto(f"{live_server.url}/errands/{request.pk}/")
    page.locator("input[name=text]").first.fill(note)
    page.locator("button[name=action][value=done]").click()
    expect(page.get_by_test_id("help-timeline")).to_contain_text(note)
    _switch(page, live_server, "resident")
    page.goto(f"{live_server.url}/help/mine/")
    rows = page.get_by_test_id("resident-requests")
    rows.locator("input[name=rating][value='4']").check()
    rows.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert (request.state, request.rating) == ("confirmed", 4)
