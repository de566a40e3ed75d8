"""A whole round on the demo community, in a real browser, as the people who run it would:

staff plan and open the round over 1号楼 and exempt two people; a volunteer registers 1单元 at the
east gate's desk with a scanner (codes typed, then Enter) and one family code, filling and closing
tubes; the building leader takes 2单元 (a controlled unit: ten to a tube) door to door with the
network off, then comes back online and every scan is stored once; the volunteer boxes the tubes
and hands the box over; the lab receives it and uploads its results with one positive pool; staff
see the re-sample tasks and seal the households; coverage reaches 100 % with the exempt listed.

One phone-sized run: the pages themselves are tested at both sizes in their own modules.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import expect

from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.people.models import Residence
from firstline.registration import codes
from firstline.registration.models import PersonalCode
from firstline.registration.services import code_issue_family
from firstline.testing.models import Box, ResampleTask, Round, Sample, Tube, TubeResult
from tests.browser.conftest import VIEWPORTS, close_watched, fail_on_violations, watch_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-2022"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    context.set_default_timeout(15_000)
    violations = watch_policy(context)
    page = context.new_page()
    yield page
    close_watched(context, violations)
    fail_on_violations(violations)


def sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():  # the session cookie is set before the next page is asked for
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def scan(page, text: str, selector: str = "#cap-scan") -> None:
    """What a keyboard-wedge scanner does: the code, typed fast, then Enter."""
    box = page.locator(selector)
    box.press_sequentially(text)
    box.press("Enter")
    if selector == "#cap-scan":  # a tube scan asks the server about the tube first
        page.wait_for_selector("html[data-scanning='0']", state="attached")


def wait_uploaded(page) -> None:
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")


def people_of(stairwell: Area) -> list[Residence]:
    return list(
        Residence.objects.filter(household__parent=stairwell, is_current=True)
        .select_related("person", "household")
        .order_by("household__path", "person__birth_date", "person_id")
    )


def test_a_whole_round_on_the_demo_community(phone, live_server):
    page = phone
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    call_command("load_demo", "--small", stdout=io.StringIO())
    community = Area.objects.get(name="睿和社区")
    building = Area.objects.get(name="1号楼", parent__name="睿和新城")
    unit1, unit2 = Area.objects.filter(parent=building, kind=AreaKind.UNIT).order_by("sort_key")
    assert unit2.risk_status == RiskStatus.CONTROLLED  # the demo's controlled unit: 10 to a tube
    everyone = people_of(unit1) + people_of(unit2)
    expected = len(everyone)

    # 1. Staff plan the round over 1号楼, open it, and exempt two people of 2单元 from the missing list.
    sign_in(page, live_server, "shequ")
    page.goto(f"{live_server.url}/testing/")
    form = page.locator("#plan form")
    form.locator("select[name=area]").select_option(str(community.pk))
    form.locator("input[name=name]").fill("全楼核酸演练")
    form.locator("input[name=date]").fill(timezone.localdate().isoformat())
    form.locator("select[name=scope]").select_option([str(building.pk)])
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    round_ = Round.objects.get(name="全楼核酸演练")
    page.click("button:has-text('Open the round')")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1 [data-testid=round-status]").inner_text() == "Open"
    away = people_of(unit2)[-2:]
    for residence, reason in zip(away, ("away", "hospital"), strict=True):
        # The call list shows 50 people a page, the most-missing unit first: staff find a door by
        # its number with the list's own filter, as they would.
        page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/missing/{building.pk}/")
        door_filter = page.locator(".miss-filters input[name=door]")
        door_filter.fill(residence.household.door or residence.household.name)
        door_filter.press("Enter")
        page.wait_for_load_state("networkidle")
        row = page.locator(f"#miss-{residence.person_id}")
        row.locator("[data-testid=exempt-open]").click()
        row.locator("select[name=reason]").select_option(reason)
        row.locator("input[name=note]").fill("社区已登记")
        row.locator("[data-testid=exempt-ask]").click()
        row.locator("[data-testid=exempt-yes]").click()
        expect(row).to_be_hidden()
    try:
        expect(page.locator("#totals [data-testid=exempt]").first).to_have_text("2", use_inner_text=True)
    except Exception:
        pytest.fail(
            "The totals did not count the two exemptions: "
            + page.locator("#totals").inner_text().replace("\n", " | ")
            + "\nBrowser console:\n"
            + "\n".join(console)
        )

    # 2. The volunteer at the east gate, desk 1: 1单元 (a precaution zone: twenty to a tube), one
    #    household by its family code, the others by personal code; the same code twice is caught.
    family_door = people_of(unit1)[0].household
    family = [r.person for r in people_of(unit1) if r.household_id == family_door.pk]
    family_code = codes.payload_for(
        code_issue_family(acting_user=round_.created_by, household=family_door, members=family).code
    )
    personal = dict(
        PersonalCode.objects.filter(
            person__in=[r.person for r in everyone], kind="person", revoked_at__isnull=True
        ).values_list("person_id", "code")
    )
    point = Area.objects.get(name="睿和新城").sampling_points.get(name="东门采样点")
    sign_in(page, live_server, "zhiyuan")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1")
    try:
        page.wait_for_selector("html[data-capture-ready]")
    except Exception:
        pytest.fail(
            f"The desk page never got ready: {page.url} «{page.title()}»\n{page.inner_text('body')[:500]}\n"
            "Browser console:\n" + "\n".join(console)
        )
    scan(page, "yl-0000001")
    scan(page, family_code)
    desk_people = [r.person for r in people_of(unit1) if r.household_id != family_door.pk]
    tubes = ["YL-0000001"]
    placed = len(family)
    for person in desk_people:
        if placed == 20:
            wait_uploaded(page)
            assert page.locator("#cap-tube").get_attribute("data-state") == "full"
            tubes.append(f"YL-000000{len(tubes) + 1}")
            scan(page, tubes[-1])
            placed = 0
        scan(page, codes.payload_for(personal[person.pk]))
        placed += 1
    scan(page, codes.payload_for(personal[desk_people[-1].pk]))  # the last person scanned twice
    assert page.locator("[data-testid=message]").inner_text().startswith("Already scanned on this device at ")
    wait_uploaded(page)
    page.click("[data-testid=close-tube]")
    page.click("[data-testid=close-tube]")
    wait_uploaded(page)
    assert Sample.objects.filter(round=round_).count() == len(people_of(unit1))
    assert list(
        Tube.objects.filter(round=round_).order_by("code").values_list("code", "capacity", "status")
    ) == [(code, 20, "closed") for code in tubes]

    # 3. The building leader takes 2单元 door to door with no network, ten to a tube.
    to_visit = [r.person for r in people_of(unit2)[:-2]]
    sign_in(page, live_server, "louzhang")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{building.pk}/?everyone=1")
    page.wait_for_selector("html[data-offline-ready]")
    page.context.set_offline(True)
    door_tubes = []
    for index, person in enumerate(to_visit):
        if index % 10 == 0:
            door_tubes.append(f"YL-D00000{len(door_tubes) + 1}")
            scan(page, door_tubes[-1])
        page.click(f".cap-person[data-person='{person.pk}']")
    assert page.locator("[data-testid=pending-count]").inner_text() == str(len(to_visit))
    assert Sample.objects.filter(round=round_, door_to_door=True).count() == 0
    page.wait_for_selector("html[data-unsaved='0']")
    page.context.set_offline(False)
    wait_uploaded(page)
    page.click("[data-testid=close-tube]")
    page.click("[data-testid=close-tube]")
    wait_uploaded(page)
    stored = Sample.objects.filter(round=round_).values("person_id").annotate(n=Count("id"))
    assert {row["n"] for row in stored} == {1} and len(stored) == expected - 2  # every scan stored once
    assert sorted(
        Sample.objects.filter(round=round_, door_to_door=True).values_list("person_id", flat=True)
    ) == sorted(p.pk for p in to_visit)
    all_tubes = tubes + door_tubes

    # 4. The volunteer boxes every tube at the point, counts, packs and hands the box over.
    sign_in(page, live_server, "zhiyuan")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/boxes/")
    page.locator("select[name=point]").select_option(str(point.pk))
    scan(page, "YL-BOX-01", "input[name=code]")
    page.wait_for_selector("h1 .box-code")
    for code in all_tubes:
        scan(page, code, "[data-testid=tube-input]")
        page.wait_for_load_state("networkidle")
    page.fill("input[name=counted]", str(len(all_tubes)))
    with page.expect_navigation():
        page.click("button:has-text('Pack the box')")
    page.fill("input[name=counted]", str(len(all_tubes)))
    page.get_by_test_id("courier-name").fill("王师傅")
    page.get_by_test_id("courier-phone").fill("13912345678")
    with page.expect_navigation():
        page.get_by_test_id("hand-over").click()
    assert page.get_by_test_id("box-status").inner_text() == "Picked up"
    assert page.get_by_test_id("courier").inner_text() == "courier 王师傅 (139****5678)"

    # 5. The lab receives the box by count and uploads its export: the first desk tube is positive.
    sign_in(page, live_server, "jiance")
    page.goto(f"{live_server.url}/lab/")
    scan(page, "YL-BOX-01", "input[name=code]")
    page.wait_for_selector("h1 .box-code")
    page.fill("input[name=counted]", str(len(all_tubes)))
    with page.expect_navigation():
        page.click("button:has-text('Receive by count')")
    assert page.get_by_test_id("box-status").inner_text() == "Received at the lab"
    reported = (timezone.localtime() - dt.timedelta(minutes=30)).strftime(
        "%Y-%m-%d %H:%M"
    )  # never a time to come
    export = (
        "\n".join(
            ["样本编号,检测结果,报告时间"]
            + [f"{code},{'阳性' if code == tubes[0] else '阴性'},{reported}" for code in all_tubes]
        )
        + "\n"
    )
    page.goto(f"{live_server.url}/lab/results/upload/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "三院结果.csv", "mimeType": "text/csv", "buffer": export.encode("gb18030")}],
    )
    with page.expect_navigation():
        page.click("button:has-text('Upload')")
    assert [page.get_by_test_id(k).inner_text() for k in ("rows", "stored", "duplicates", "refused")] == [
        str(len(all_tubes)),
        str(len(all_tubes)),
        "0",
        "0",
    ]
    assert TubeResult.objects.filter(tube__round=round_).count() == len(all_tubes)

    # 6. Staff see the positive pool's re-sample tasks and seal its households in one action.
    pool = list(Sample.objects.filter(tube__code=tubes[0]).values_list("person_id", flat=True))
    sign_in(page, live_server, "shequ")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/positives/")
    tube = page.locator("[data-testid=positive-tube]")
    assert tube.locator("[data-testid=positive-person]").count() == 20
    assert sorted(
        ResampleTask.objects.filter(round=round_, status="open").values_list("person_id", flat=True)
    ) == sorted(pool)
    page.on("dialog", lambda dialog: dialog.accept())
    tube.locator("button:has-text('Seal households')").click()
    page.wait_for_load_state("networkidle")
    households = set(Sample.objects.filter(tube__code=tubes[0]).values_list("household_id", flat=True))
    assert set(Area.objects.filter(pk__in=households).values_list("risk_status", flat=True)) == {
        RiskStatus.SEALED
    }
    assert set(page.locator("[data-testid=door-risk]").all_inner_texts()) == {"Sealed"}

    # 7. Coverage of 1号楼: everyone sampled or exempt, the exempt listed by name.
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/coverage/{building.pk}/")
    assert [
        page.locator(f"#coverage-live [data-testid={k}]").inner_text()
        for k in ("expected", "sampled", "exempt", "missing")
    ] == [str(expected), str(expected - 2), "2", "0"]
    assert "100% sampled or exempt" in page.locator("#coverage-live").inner_text()
    assert [row.split(" · ")[0] for row in page.locator("[data-testid=exempt-row]").all_inner_texts()] == [
        r.person.name for r in away
    ]
    assert Box.objects.get(code="YL-BOX-01").tubes.count() == len(all_tubes)
