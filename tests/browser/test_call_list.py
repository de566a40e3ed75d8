"""The call list and the call-down page on a phone (390×844), issue 9: an exemption asked, confirmed
and undone from the toast with the counts following in place; tap-to-call revealing the phone; the
call-down page's refresh never moving the page nor taking the focus."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstline.common.audit import AuditEntry
from firstline.people.models import Person
from firstline.testing.models import Exemption
from firstline.testing.rounds import services
from tests.browser.conftest import VIEWPORTS, fail_on_violations, sign_in, watch_policy
from tests.conftest import household
from tests.testing.fixtures import _register, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    context.set_default_timeout(10_000)
    violations = watch_policy(context)
    page = context.new_page()
    yield page
    context.close()
    fail_on_violations(violations)


def _figure(page, key: str):
    return page.locator(f"#totals [data-testid={key}]").first


def test_an_exemption_is_asked_confirmed_and_undone_from_the_toast(
    phone, live_server, world, residents, round_
):
    page = phone
    child = residents.b1[1]
    Person.objects.filter(pk=child.pk).update(birth_date=timezone.localdate() - dt.timedelta(days=4 * 366))
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/missing/{world.b1.pk}/")
    expect(page.locator("[data-testid=block-count]")).to_have_text(["12"])
    expect(_figure(page, "missing")).to_have_text("12")
    row = page.locator(f"#miss-{child.pk}")
    row.locator("[data-testid=exempt-open]").click()
    # Nothing is chosen: the button refuses with words, nothing is written.
    expect(row.locator("select[name=reason]")).to_have_value("")
    row.locator("[data-testid=exempt-ask]").click()
    expect(row.locator("[data-field=reason]")).to_have_text("Choose a reason.")
    assert Exemption.objects.count() == 0
    row.locator("select[name=reason]").select_option("away")
    row.locator("[data-testid=exempt-ask]").click()
    expect(row.locator("[data-testid=exempt-confirm]")).to_contain_text("Exempt 居***乙 (1号楼 Unit 1 101)")
    expect(row.locator("[data-testid=exempt-confirm]")).to_contain_text("A child aged 4.")
    assert Exemption.objects.count() == 0
    scroll = page.evaluate("window.scrollY")
    row.locator("[data-testid=exempt-yes]").click()
    # The row leaves in place, the counts follow, the toast offers the undo at once.
    expect(row).to_be_hidden()
    toast = page.locator("[data-testid=toast]")
    expect(toast).to_contain_text("居***乙 is exempt: Away from home.")
    expect(_figure(page, "missing")).to_have_text("11")
    expect(_figure(page, "exempt")).to_have_text("1")
    expect(page.locator("[data-testid=block-count]")).to_have_text(["11"])
    expect(page.locator("[data-testid=missing-total]")).to_have_text("11 people not sampled yet")
    assert Exemption.objects.filter(person=child).count() == 1
    assert abs(page.evaluate("window.scrollY") - scroll) < 2
    box = toast.locator("[data-testid=toast-undo]").bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # within the thumb's reach
    toast.locator("[data-testid=toast-undo]").click()
    expect(page.locator(f"#miss-{child.pk} .name")).to_have_text("居民11乙")
    expect(page.locator("[data-testid=toast]")).to_contain_text("居***乙 is expected again.")
    expect(_figure(page, "missing")).to_have_text("12")
    expect(page.locator("[data-testid=block-count]")).to_have_text(["12"])
    assert Exemption.objects.count() == 0


def test_tap_to_call_reveals_the_phone_as_a_tel_link(phone, live_server, world, residents, round_):
    page = phone
    person = residents.b1[0]
    Person.objects.filter(pk=person.pk).update(phone="13800138000")
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/missing/{world.b1.pk}/")
    row = page.locator(f"#miss-{person.pk}")
    expect(row.locator("[data-testid=call]")).to_have_text("☎ 138****8000")
    assert "13800138000" not in page.content()
    row.locator("[data-testid=call]").click()
    tel = row.locator("[data-testid=tel]")
    expect(tel).to_have_attribute("href", "tel:13800138000")
    assert tel.bounding_box()["height"] >= 44
    assert AuditEntry.objects.filter(action="person.reveal_phone", target_id=str(person.pk)).count() == 1


def test_the_call_down_refresh_keeps_the_scroll_the_focus_and_the_button_under_the_thumb(
    phone, live_server, world, residents, round_
):
    page = phone
    # Four waves: a queue of five people at most; 12, 4, 2 and 4 people missing in four stairwells.
    point = services.sampling_point_create(
        acting_user=world.staff,
        compound=world.p1,
        values={"name": "北门采样点", "desks": 1, "queue_cap": 5},
    )
    for n in range(4):
        _register(world.staff, household(world.b1, f"{n + 1}01", "Unit 2"), f"二单元{n}")
        _register(world.staff, household(world.b3, f"{n // 2 + 1}0{n % 2 + 1}", None), f"三号楼{n}")
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/calldowns/{point.pk}/")
    waves = page.locator("[data-testid=wave]")
    expect(waves).to_have_count(4)
    plan = page.locator("#calldown-plan")
    # A worker reads wave 3's message, the page scrolled down to it.
    message = page.locator("#wave-message-3")
    message.scroll_into_view_if_needed()
    message.focus()
    scroll = page.evaluate("window.scrollY")
    assert scroll > 300
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    plan.dispatch_event("live-refresh")
    expect(plan).to_have_attribute("data-live-skipped", "1")
    assert page.evaluate("window.scrollY") == scroll
    assert page.evaluate("document.activeElement.id") == "wave-message-3"
    expect(page.locator("#wave-1-people")).to_have_text("12 people")  # skipped: the figures wait
    # Focus elsewhere: the figures change in place, nothing moves.
    page.evaluate("document.activeElement.blur()")
    button = waves.nth(2).locator("[data-testid=call-now]")
    before = button.bounding_box()
    plan.dispatch_event("live-refresh")
    expect(page.locator("#wave-1-people")).to_have_text("10 people")
    expect(page.locator("[data-testid=calldown-status]")).to_contain_text("Figures updated at")
    assert page.evaluate("window.scrollY") == scroll
    assert button.bounding_box() == before
    assert waves.nth(2).locator("[data-testid=wave-labels]").inner_text() == "2号楼 Unit 1"
