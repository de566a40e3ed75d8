"""A testing round in a real browser, at a phone's size and a desktop's: planning it, watching its
coverage down to the building map, exempting the missing, calling stairwells down, sealing after a
positive pool."""

import os

import pytest
from playwright.sync_api import expect

from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.testing.capture.services import scans_record
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import CallDown, Exemption, PoolingRule, Round, RoundStatus, SamplingPoint
from firstline.testing.rounds import services
from firstline.testing.transport import services as transport
from tests.browser.conftest import nav_to, sign_in
from tests.factories.testing import BoxFactory
from tests.testing.fixtures import desk_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("FIRSTLINE_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_name}.png", full_page=True)


def _sample(world, residents, round_, point, tube, people):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def _numbers(page) -> list[str]:
    return [
        page.locator(
            f"#{'coverage-live' if page.locator('#coverage-live').count() else 'totals'} [data-testid={key}]"
        ).inner_text()
        for key in ("expected", "sampled", "exempt", "missing")
    ]


def test_staff_plans_and_opens_a_round_sets_a_rule_and_adds_a_point(page, live_server, world):
    sign_in(page, live_server, "staff")
    nav_to(page, "Testing")
    page.wait_for_url("**/testing/")
    assert page.locator("li.empty").inner_text() == "No testing round here yet."
    form = page.locator("#plan form")
    form.locator("select[name=area]").select_option(str(world.c1.pk))
    form.locator("input[name=name]").fill("第二轮全员核酸")
    form.locator("input[name=date]").fill("2022-04-05")
    form.locator("select[name=scope]").select_option([str(world.b1.pk), str(world.b2.pk)])
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    round_ = Round.objects.get()
    assert page.url == f"{live_server.url}/testing/rounds/{round_.pk}/"
    assert page.locator("h1 [data-testid=round-status]").inner_text() == "Planned"
    page.click("button:has-text('Open the round')")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1 [data-testid=round-status]").inner_text() == "Open"
    assert Round.objects.get().status == RoundStatus.OPEN
    # Precaution zones down from 20-in-1 to 10-in-1; 2号楼 one tube per household.
    pooling = page.locator("#pooling form")
    pooling.locator("select[name=capacity_precaution]").select_option("10")
    pooling.locator("select[name='override-0-area']").select_option(str(world.b2.pk))
    pooling.locator("select[name='override-0-capacity']").select_option("5")
    pooling.locator("input[name='override-0-per_household']").check()
    pooling.locator("button:has-text('Save the rules')").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == "The pooling rules were saved. New tubes follow them."
    assert set(PoolingRule.objects.values_list("risk_status", "area_id", "capacity", "per_household")) == {
        ("sealed", None, 1, False),
        ("controlled", None, 10, False),
        ("precaution", None, 10, False),
        ("normal", None, 10, False),
        ("", world.b2.pk, 5, True),
    }
    # A sampling point with three desks, serving 1号楼.
    page.click("summary:has-text('Add a sampling point')")
    point_form = page.locator("#add-point")
    point_form.locator("input[name=name]").fill("南门采样点")
    point_form.locator("input[name=location]").fill("南门停车场")
    point_form.locator("input[name=desks]").fill("3")
    point_form.locator("select[name=serves]").select_option(str(world.b1.pk))
    point_form.locator("button:has-text('Add the point')").click()
    page.wait_for_load_state("networkidle")
    point = SamplingPoint.objects.get()
    assert (point.name, point.desks, [a.name for a in point.serves.all()]) == ("南门采样点", 3, ["1号楼"])
    card = page.locator("[data-testid=point]")
    assert card.locator("a.button").all_inner_texts() == [
        "Desk 1",
        "Desk 2",
        "Desk 3",
        "Call-downs",
        "Boxes",
        "Edit",
    ]
    _shot(page, "round")


@pytest.mark.viewports("phone", "desktop")
def test_coverage_shows_exact_numbers_and_the_building_map_in_colour(
    page, live_server, world, residents, round_, point
):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:5])
    _sample(world, residents, round_, point, "TG0000002", [residents.outside])
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/")
    assert [
        page.locator(f"#totals [data-testid={k}]").inner_text() for k in ("expected", "sampled", "missing")
    ] == ["14", "5", "9"]
    page.click("[data-testid=coverage-link]:has-text('P1小区')")
    page.wait_for_url(f"**/coverage/{world.p1.pk}/")
    assert _numbers(page) == ["14", "5", "0", "9"]
    assert page.locator("[data-testid=outside]").inner_text() == "1"
    assert page.locator("[data-testid=cov-figures]").all_inner_texts() == [
        "5 sampled · 0 exempt · 7 missing · of 12",
        "0 sampled · 0 exempt · 2 missing · of 2",
        "0 sampled · 0 exempt · 0 missing · of 0",
    ]
    assert page.locator(".cov-row .seg-sampled").first.get_attribute("width") == "41.7"
    _shot(page, "coverage-compound")
    page.click("[data-testid=cov-link]:has-text('1号楼')")
    page.wait_for_url(f"**/coverage/{world.b1.pk}/")
    assert page.locator("a.door").count() == 24
    assert [page.locator(f"a.door.rd-{s}").count() for s in ("pending", "partial", "missing", "empty")] == [
        2,
        1,
        3,
        18,
    ]
    assert page.locator("a.door.rd-partial").inner_text().splitlines() == ["201", "1/2"]
    colour = page.locator("a.door.rd-missing").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(191, 54, 12)"  # --missing, dark enough for the white door number (5.6:1)
    assert page.locator("[data-testid=doors-missing]").inner_text() == "3"
    assert page.locator("[data-testid=missing-person] .name").all_inner_texts() == [
        "居民21乙",
        "居民22甲",
        "居民22乙",
        "居民31甲",
        "居民31乙",
        "居民32甲",
        "居民32乙",
    ]
    _shot(page, "coverage-building")
    # More people come down; the page picks it up by itself (the refresh is forced here, not waited for).
    _sample(world, residents, round_, point, "TG0000002", residents.b1[5:8])
    page.evaluate("htmx.trigger(document.body, 'exemptions-changed')")
    expect(page.locator("#coverage-live [data-testid=sampled]").first).to_have_text("8", use_inner_text=True)
    assert _numbers(page) == ["12", "8", "0", "4"]
    assert [page.locator(f"a.door.rd-{s}").count() for s in ("pending", "partial", "missing")] == [4, 0, 2]


def test_a_leader_exempts_a_missing_person_and_the_numbers_change(
    page, live_server, world, residents, round_, point
):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:9])
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/missing/{world.b1.pk}/")
    assert _numbers(page) == ["12", "9", "0", "3"]
    assert page.locator("[data-testid=missing-person] .name").all_inner_texts() == [
        "居民31乙",
        "居民32甲",
        "居民32乙",
    ]
    row = page.locator(f"#miss-{residents.b1[10].pk}")
    row.locator("[data-testid=exempt-open]").click()
    row.locator("select[name=reason]").select_option("other")
    row.locator("[data-testid=exempt-ask]").click()
    error = page.locator(f"#miss-{residents.b1[10].pk} [data-field=note]")
    assert error.inner_text() == "Say what the other reason is."
    assert Exemption.objects.count() == 0
    row.locator("select[name=reason]").select_option("hospital")
    row.locator("input[name=note]").fill("市一医院")
    row.locator("[data-testid=exempt-ask]").click()
    row.locator("[data-testid=exempt-yes]").click()
    expect(row).to_be_hidden()
    expect(page.locator("#totals [data-testid=exempt]").first).to_have_text("1", use_inner_text=True)
    assert _numbers(page) == ["12", "9", "1", "2"]
    page.locator("#exempt-list summary").click()
    expect(page.locator("[data-testid=exempt-row]").first).to_contain_text(
        "居民32甲 · In hospital (市一医院)"
    )
    assert list(Exemption.objects.values_list("person__name", "reason")) == [("居民32甲", "hospital")]
    _shot(page, "missing")
    # Back from hospital: the exemption is removed and the person is expected again.
    page.locator("[data-testid=exempt-row] button:has-text('Remove')").click()
    expect(page.locator("#totals [data-testid=exempt]").first).to_have_text("0", use_inner_text=True)
    assert _numbers(page) == ["12", "9", "0", "3"] and Exemption.objects.count() == 0
    expect(page.locator(f"#miss-{residents.b1[10].pk} .name")).to_have_text("居民32甲")


def test_the_call_down_page_shows_the_wave_message_and_call_now_records_it(
    page, live_server, world, residents, round_, point
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/")
    page.click("[data-testid=point] a:has-text('Call-downs')")
    page.wait_for_url(f"**/calldowns/{point.pk}/")
    wave = page.locator("[data-testid=wave]")
    assert wave.locator("[data-testid=wave-labels]").inner_text() == "1号楼 Unit 1, 2号楼 Unit 1"
    message = wave.locator("textarea").input_value()
    assert message == (
        "[Testing] Residents of 1号楼 Unit 1, 2号楼 Unit 1: please come down now to 东门采样点 (东门广场) "
        "for your test.\nBring your personal code, wear a mask and keep one metre apart."
    )
    wave.locator("button:has-text('Copy')").click()
    expect(page.locator("[data-copy]").first).to_have_text("Copied", use_inner_text=True)
    assert page.evaluate("navigator.clipboard.readText()") == message
    _shot(page, "calldowns")
    wave.locator("button:has-text('Call now')").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text().endswith("The building leaders have the message.")
    assert page.locator("[data-testid=no-wave]").count() == 1
    assert (
        page.locator("[data-testid=called]")
        .inner_text()
        .endswith("1号楼 Unit 1, 2号楼 Unit 1 · 14 still to come down · staff")
    )
    call = CallDown.objects.get()
    assert (call.people_expected, sorted(a.name for a in call.stairwells.all()), call.message) == (
        14,
        ["Unit 1", "Unit 1"],
        message,
    )


def test_a_positive_pool_lists_its_people_and_seal_units_seals_them(
    page, live_server, world, residents, round_, point
):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    _sample(world, residents, round_, point, "TG0000002", residents.b1[10:] + residents.b2)
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
    results_report(
        acting_user=world.lab,
        source="api",
        results=[ResultIn("TG0000001", "阳性"), ResultIn("TG0000002", "阴性")],
    )
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/")
    assert page.locator("[data-testid=count-result-positive]").inner_text() == "1"
    page.click("a.button:has-text('Positives')")
    tube = page.locator("[data-testid=positive-tube]")
    assert tube.count() == 1 and tube.locator("h2").inner_text().startswith("Tube TG0000001")
    people = tube.locator("[data-testid=positive-person]")
    assert people.count() == 10
    first = people.first
    assert [
        first.locator(f"[data-testid={k}], .{k}").first.inner_text()
        for k in ("name", "door", "door-risk", "resample-state")
    ] == ["居民11甲", "1号楼 Unit 1 101", "Normal", "To re-sample"]
    assert page.locator("[data-testid=resample-building] h3").inner_text() == "1号楼 · 10 people"
    _shot(page, "positives")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    tube.locator("button:has-text('Seal units')").click()
    page.wait_for_load_state("networkidle")
    assert dialogs == ["Seal units of tube TG0000001? Their risk status becomes sealed."]
    assert page.locator(".messages li").inner_text() == "Sealed: Unit 1."
    assert list(Area.objects.filter(risk_status=RiskStatus.SEALED).values_list("kind", "parent__name")) == [
        (AreaKind.UNIT, "1号楼")
    ]
    assert set(page.locator("[data-testid=door-risk]").all_inner_texts()) == {"Sealed"}


def test_a_leader_cannot_open_another_communitys_round(page, live_server, world, round_):
    other = services.round_create(
        acting_user=world.outsider, area=world.c2, name="C2第一轮", date=round_.date
    )
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/")
    assert page.locator("a.round-name").all_inner_texts() == ["第一轮全员核酸"]
    response = page.goto(f"{live_server.url}/testing/rounds/{other.pk}/")
    assert response.status == 404 and "C2第一轮" not in page.content()
