"""Capture in a real browser: the desk with a scanner typing codes, door to door with no network,
and an upload whose answer is lost. Every case is checked in the database, exactly."""

import io

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import expect

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.testing.capture.services import scans_record
from firstline.testing.models import ResampleTask, Sample, Tube
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    VIEWPORTS,
    close_watched,
    fail_on_violations,
    sign_in,
    watch_policy,
)
from tests.conftest import household
from tests.factories.testing import BoxFactory
from tests.testing.fixtures import desk_scan, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(page, text: str) -> None:
    """What a keyboard-wedge scanner does: type the code fast, then Enter."""
    box = page.locator("#cap-scan")
    box.press_sequentially(text)
    box.press("Enter")
    # A tube scan asks the server about the tube first: the scan is handled when the page says so.
    page.wait_for_selector("html[data-scanning='0']", state="attached")


def _open_desk(page, live_server, round_, point, user="volunteer", desk=1):
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk={desk}")
    page.wait_for_selector("html[data-capture-ready]")


def test_desk_fills_a_tube_of_ten_closes_it_and_starts_a_new_one(
    page, live_server, world, residents, round_, point
):
    _open_desk(page, live_server, round_, point)
    _scan(page, "tg0000001")
    assert page.locator("[data-testid=tube-code]").inner_text() == "TG0000001"
    for person in residents.b1[:10]:
        _scan(page, residents.codes[person.pk])
    page.wait_for_selector("#cap-list .cap-item.is-stored >> nth=9")
    assert page.locator("#cap-list .cap-item.is-stored").count() == 10
    assert page.locator("[data-testid=tube-count]").inner_text() == "10 of 10"
    assert page.locator("#cap-tube").get_attribute("data-state") == "full"
    assert (
        page.locator("[data-testid=tube-banner]").inner_text() == "Tube TG0000001 is full. Scan a new tube."
    )
    _scan(page, residents.codes[residents.b1[10].pk])
    assert page.locator("[data-testid=message]").inner_text() == "Tube TG0000001 is full. Scan a new tube."
    _scan(page, "TG0000002")
    _scan(page, residents.codes[residents.b1[10].pk])
    page.wait_for_selector("#cap-list .cap-item.is-stored >> nth=10")
    assert page.locator("[data-testid=tube-count]").inner_text() == "1 of 10"
    assert page.locator("[data-testid=pending-count]").inner_text() == "0"
    first = page.locator("#cap-list .cap-item").first
    assert first.locator(".cap-item-people li").inner_text() == "居民32甲 · 1号楼 Unit 1 302"
    assert list(Tube.objects.order_by("code").values_list("code", "filled", "status")) == [
        ("TG0000001", 10, "closed"),
        ("TG0000002", 1, "open"),
    ]
    assert sorted(Sample.objects.values_list("person_id", "tube__code")) == sorted(
        [(p.pk, "TG0000001") for p in residents.b1[:10]] + [(residents.b1[10].pk, "TG0000002")]
    )


def test_door_to_door_offline_taps_and_scans_survive_a_reload_and_upload_once(
    page, live_server, world, residents, round_
):
    b1 = residents.b1
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/")
    page.click("[data-testid=toggle]")
    page.wait_for_url("**/?everyone=1")
    page.wait_for_selector("html[data-offline-ready]")
    page.context.set_offline(True)
    assert page.locator("[data-testid=net]").inner_text() == "Offline: scans are kept on this device"
    _scan(page, "TD0000001")
    page.click(f".cap-person[data-person='{b1[0].pk}']")
    page.click(f".cap-person[data-person='{b1[1].pk}']")
    _scan(page, residents.codes[b1[2].pk])
    assert page.locator("[data-testid=pending-count]").inner_text() == "3"
    assert page.locator("#cap-list .cap-item.is-pending").count() == 3
    assert (
        page.locator(f".cap-person[data-person='{b1[0].pk}'] .cap-pstate").inner_text()
        == "Waiting to upload · TD0000001"
    )
    assert page.locator("[data-testid=tube-count]").inner_text() == "3 of 10"
    page.wait_for_selector("html[data-unsaved='0']")  # on disk in IndexedDB, a moment after it was shown

    response = page.reload()
    assert response.headers.get("x-firstline-offline") == "1"
    page.wait_for_selector("html[data-capture-ready]")
    assert page.locator("[data-testid=pending-count]").inner_text() == "3"
    assert page.locator(f".cap-person[data-person='{b1[1].pk}']").is_disabled()
    assert page.locator("[data-testid=tube-code]").inner_text() == "TD0000001"
    page.click(f".cap-person[data-person='{b1[3].pk}']")
    assert page.locator("[data-testid=pending-count]").inner_text() == "4"
    assert page.locator("[data-testid=tube-mini]").inner_text() == "TD0000001 · 4 of 10"
    page.click("#cap-find summary")
    page.fill("[data-testid=find]", "居民")
    page.press("[data-testid=find]", "Enter")
    page.wait_for_selector("[data-testid=found]:has-text('Searching needs the network.')")
    assert Sample.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")
    assert page.locator("#cap-list .cap-item.is-stored").count() == 4
    assert (
        page.locator(f".cap-person[data-person='{b1[3].pk}'] .cap-pstate").inner_text()
        == "Stored · TD0000001"
    )
    assert sorted(
        Sample.objects.values_list("person_id", "tube__code", "door_to_door", "collected_by__username")
    ) == sorted((p.pk, "TD0000001", True, "leader") for p in b1[:4])
    assert list(Tube.objects.values_list("code", "filled", "status")) == [("TD0000001", 4, "open")]


def test_a_family_code_registers_both_members(page, live_server, world, residents, round_, point):
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000003")
    _scan(page, residents.family_code)
    page.wait_for_selector("#cap-list .cap-item.is-stored")
    assert page.locator("#cap-list .cap-item.is-stored .cap-item-people li").all_inner_texts() == [
        "居民11甲 · 1号楼 Unit 1 101",
        "居民11乙 · 1号楼 Unit 1 101",
    ]
    assert page.locator("[data-testid=tube-count]").inner_text() == "2 of 10"
    assert sorted(Sample.objects.values_list("person_id", "tube__code")) == sorted(
        [(residents.b1[0].pk, "TG0000003"), (residents.b1[1].pk, "TG0000003")]
    )


def test_the_same_person_again_is_refused_with_where_and_when(
    page, live_server, world, residents, round_, point
):
    first, elsewhere = residents.b1[0], residents.b1[1]
    scans_record(
        acting_user=world.staff,
        round=round_,
        scans=[desk_scan(point, "TG0000009", residents.codes[elsewhere.pk])],
    )
    at = Sample.objects.get(person=elsewhere).scanned_at
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000004")
    _scan(page, residents.codes[first.pk])
    page.wait_for_selector("#cap-list .cap-item.is-stored")
    # Twice on this device: told at once, nothing sent.
    _scan(page, residents.codes[first.pk])
    assert page.locator("#cap-list .cap-item").first.get_attribute("data-state") == "local"
    assert page.locator("[data-testid=message]").inner_text().startswith("Already scanned on this device at ")
    # Sampled at another desk: the server's refusal says where and when.
    _scan(page, residents.codes[elsewhere.pk])
    refused = page.locator("#cap-list .cap-item.is-refused")
    refused.wait_for()
    when = f"{timezone.localtime(at):%H:%M}"
    message = f"居***乙 was already sampled in this round: tube TG0000009, 东门采样点, {when}."
    assert refused.locator(".cap-item-people li").inner_text() == f"居民11乙 · 1号楼 Unit 1 101: {message}"
    assert page.locator("[data-testid=message]").inner_text() == message
    assert page.locator("[data-testid=tube-count]").inner_text() == "1 of 10"
    assert sorted(Sample.objects.values_list("person_id", "tube__code")) == sorted(
        [(first.pk, "TG0000004"), (elsewhere.pk, "TG0000009")]
    )


def test_an_upload_that_succeeded_but_looked_failed_is_retried_and_stored_once(
    page, live_server, world, residents, round_, point
):
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.fetch().status)  # the server stores the batch...
            route.abort()  # ...and the browser sees the connection fail.
        else:
            route.continue_()

    page.route("**/scans/batch", lose_the_first_answer)
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000005")
    _scan(page, residents.codes[residents.b1[0].pk])
    page.wait_for_selector("#cap-list .cap-item.is-duplicate", timeout=15_000)
    assert lost == [200]
    row = page.locator("#cap-list .cap-item").first
    assert row.locator(".cap-badge").inner_text() == "Already stored"
    assert row.locator(".cap-item-people li").inner_text() == "居民11甲 · 1号楼 Unit 1 101"
    assert page.locator("[data-testid=pending-count]").inner_text() == "0"
    assert page.locator("[data-testid=tube-count]").inner_text() == "1 of 10"
    assert list(Sample.objects.values_list("person_id", "tube__code")) == [(residents.b1[0].pk, "TG0000005")]
    assert list(Tube.objects.values_list("code", "filled")) == [("TG0000005", 1)]


def test_desk_fallbacks_switching_and_closing_tubes(page, live_server, world, residents, round_, point):
    _open_desk(page, live_server, round_, point)
    # No BarcodeDetector in this Chromium: the camera is offered all the same (the vendored decoder
    # reads it), and so is a photo.
    assert (
        page.locator("[data-testid=camera]").is_visible(),
        page.locator("[data-testid=camera-note]").is_visible(),
        page.locator("label[for=cap-photo]").is_visible(),
    ) == (True, False, True)
    _scan(page, residents.codes[residents.b1[0].pk])
    assert page.locator("[data-testid=message]").inner_text() == "Scan a tube first, then the people."
    _scan(page, "TG0000006")
    # No code: find the person by name and put them in the tube.
    page.click("#cap-find summary")
    page.fill("[data-testid=find]", "居民12")
    page.press("[data-testid=find]", "Enter")
    page.wait_for_selector("[data-testid=found-person]")
    assert page.locator("[data-testid=found-person] strong").all_inner_texts() == ["居民12乙", "居民12甲"]
    page.click("[data-testid=found-person][data-name='居民12甲']")
    page.wait_for_selector("#cap-list .cap-item.is-stored")
    # An ID number with a lowercase x is read as an ID number (and nobody has it).
    _scan(page, "11010519491231002x")
    page.wait_for_selector("#cap-list .cap-item.is-refused")
    refused = page.locator("#cap-list .cap-item.is-refused")
    assert refused.locator(".cap-what").inner_text() == "ID number 110***********002X"
    assert refused.locator(".cap-item-msg").inner_text() == "No one registered has this code or ID number."
    # A different tube while this one has people: scan it twice to close the first.
    _scan(page, "TG0000007")
    assert page.locator("[data-testid=message]").inner_text() == (
        "Tube TG0000006 has 1 of 10. Scan TG0000007 again to close TG0000006 and start TG0000007."
    )
    assert page.locator("[data-testid=tube-code]").inner_text() == "TG0000006"
    _scan(page, "TG0000007")
    assert (
        page.locator("[data-testid=message]").inner_text() == "Tube TG0000006 closed; tube TG0000007 is open."
    )
    _scan(page, residents.codes[residents.b1[4].pk])
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")
    page.click("[data-testid=close-tube]")
    assert page.locator("[data-testid=close-tube]").inner_text() == "Tap again to close tube TG0000007"
    page.click("[data-testid=close-tube]")
    assert page.locator("[data-testid=tube-code]").inner_text() == "—"
    _scan(page, "TG0000006")  # the server says it is closed
    assert page.locator("[data-testid=message]").inner_text() == "Tube TG0000006 is closed. Scan a new tube."
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")
    assert list(Tube.objects.order_by("code").values_list("code", "filled", "status")) == [
        ("TG0000006", 1, "closed"),
        ("TG0000007", 1, "closed"),
    ]
    assert sorted(Sample.objects.values_list("person_id", "tube__code")) == sorted(
        [(residents.b1[2].pk, "TG0000006"), (residents.b1[4].pk, "TG0000007")]
    )


def test_door_to_door_a_re_sample_needs_a_tube_of_its_own(page, live_server, world, residents, round_, point):
    resample = residents.b1[0]
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[resample.pk])],
    )
    pool = Sample.objects.get(person=resample)
    ResampleTask.objects.create(
        round=round_,
        person=resample,
        household_id=pool.household_id,
        household_path=pool.household_path,
        pool_sample=pool,
    )
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/")
    page.wait_for_selector("html[data-capture-ready]")
    person = page.locator(f".cap-person[data-person='{resample.pk}']")
    assert person.locator(".cap-pstate").inner_text() == "Re-sample: a tube of their own"
    _scan(page, "TD0000002")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1")
    page.wait_for_selector("html[data-capture-ready]")
    assert page.locator("[data-testid=tube-code]").inner_text() == "TD0000002"
    page.click(f".cap-person[data-person='{residents.b1[2].pk}']")
    page.wait_for_selector(f".cap-person[data-person='{residents.b1[2].pk}'][data-local=stored]")
    # Tapped: told here at once. Scanned by code: the server refuses, and says so.
    page.click(f".cap-person[data-person='{resample.pk}']")
    assert (
        page.locator("[data-testid=message]").inner_text()
        == "居民11甲 waits for a re-sample: scan a new tube for them alone."
    )
    _scan(page, residents.codes[resample.pk])
    page.wait_for_selector("#cap-list .cap-item.is-refused")
    message = "居***甲 is waiting for a single-tube re-sample: use a new tube for them alone."
    assert page.locator("[data-testid=message]").inner_text() == message
    assert person.locator(".cap-pstate").inner_text() == f"Refused · TD0000002 · {message}"
    _scan(page, "TD0000003")
    _scan(page, "TD0000003")
    page.click(f".cap-person[data-person='{resample.pk}']")
    page.wait_for_selector(f".cap-person[data-person='{resample.pk}'][data-local=stored]")
    assert (
        page.locator("[data-testid=tube-banner]").inner_text() == "Tube TD0000003 is full. Scan a new tube."
    )
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")
    assert list(
        Tube.objects.order_by("code").values_list("code", "capacity", "filled", "status", "for_resample")
    ) == [
        ("TD0000002", 10, 1, "closed", False),
        ("TD0000003", 1, 1, "closed", True),
        ("TG0000001", 10, 1, "open", False),
    ]
    assert sorted(Sample.objects.values_list("person_id", "tube__code", "purpose")) == sorted(
        [
            (resample.pk, "TG0000001", "screening"),
            (resample.pk, "TD0000003", "resample"),
            (residents.b1[2].pk, "TD0000002", "screening"),
        ]
    )
    assert ResampleTask.objects.get().status == "done"


def test_a_scan_whose_id_was_already_used_is_kept_shown_and_sent_again_under_a_new_id(
    page, live_server, world, residents, round_, point
):
    # Another scan (another person) is already stored under the id this device is about to make.
    used = desk_scan(point, "TG0000007", residents.codes[residents.b1[0].pk])
    scans_record(acting_user=world.volunteer, round=round_, scans=[used])
    reuse_once = """(() => {
      const real = crypto.randomUUID.bind(crypto);
      let first = true;
      crypto.randomUUID = () => { if (first) { first = false; return "USED"; } return real(); };
    })();"""
    page.add_init_script(reuse_once.replace("USED", str(used.client_id)))
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000007")
    _scan(page, residents.codes[residents.b1[1].pk])
    row = page.locator("#cap-list .cap-item.is-conflict")
    expect(row).to_have_count(1, timeout=15_000)
    assert row.locator(".cap-badge").inner_text() == "Not stored: id already used"
    assert page.locator("[data-testid=message]").inner_text() == (
        "This scan's id was already used for another scan (tube TG0000007). Nothing was stored: send it "
        "again as a new scan."
    )
    assert list(Sample.objects.values_list("person_id", flat=True)) == [residents.b1[0].pk]
    row.get_by_role("button", name="Send again as a new scan").click()
    expect(page.locator("#cap-list .cap-item.is-stored")).to_have_count(1, timeout=15_000)
    expect(page.locator("#cap-list .cap-item.is-resent .cap-badge")).to_have_text("Sent again as a new scan")
    assert sorted(Sample.objects.values_list("person_id", "tube__code")) == [
        (residents.b1[0].pk, "TG0000007"),
        (residents.b1[1].pk, "TG0000007"),
    ]
    assert page.locator("[data-testid=pending-count]").inner_text() == "0"


def test_every_capture_module_comes_from_the_service_worker_offline(
    page, live_server, world, residents, round_
):
    """With the browser's own cache emptied, an offline reload has only the service worker's: a module
    it does not keep would leave the page without its script."""
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1")
    page.wait_for_selector("html[data-offline-ready]")
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    response = page.reload()
    assert response.headers.get("x-firstline-offline") == "1"
    page.wait_for_selector("html[data-capture-ready]")
    _scan(page, "TD0000001")
    page.click(f".cap-person[data-person='{residents.b1[0].pk}']")
    assert page.locator("[data-testid=pending-count]").inner_text() == "1"
    assert page.locator("[data-testid=tube-count]").inner_text() == "1 of 10"


# ---------------------------------------------------------------------------------------------
# The desk asks the server about a tube; only a tube code opens one; a big confirmation per person.


def _second_phone(browser, live_server, user="volunteer"):
    """Another phone: its own browser, its own storage, the same account or another."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    context.set_default_timeout(10_000)
    violations = watch_policy(context)
    other = context.new_page()
    sign_in(other, live_server, user)
    return context, other, violations


def test_a_second_phone_sees_the_real_count_of_a_tube_and_may_close_it(
    page, browser, live_server, world, residents, round_, point
):
    if page.viewport_name != "phone":
        pytest.skip("one phone size is enough for two phones")
    b1 = residents.b1
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000001")
    for person in b1[:3]:
        _scan(page, residents.codes[person.pk])
    expect(page.locator("[data-testid=pending-count]").first).to_have_text("0")

    context, other, violations = _second_phone(browser, live_server)
    try:
        other.goto(f"{live_server.url}/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=2")
        other.wait_for_selector("html[data-capture-ready]")
        _scan(other, "TG0000001")
        assert other.locator("[data-testid=tube-count]").inner_text() == "3 of 10"
        assert other.locator("[data-testid=message]").inner_text() == (
            "Tube TG0000001 is open. It already holds 3 of 10 (filled on another device)."
        )
        assert other.locator("[data-testid=tube-source]").is_hidden()
        assert other.locator("[data-testid=close-tube]").is_visible()
        _scan(other, residents.codes[b1[3].pk])
        expect(other.locator("[data-testid=tube-count]")).to_have_text("4 of 10")
        other.click("[data-testid=close-tube]")
        other.click("[data-testid=close-tube]")
        expect(other.locator("[data-testid=pending-count]").first).to_have_text("0")
    finally:
        close_watched(context, violations)
    fail_on_violations(violations)
    assert list(Tube.objects.values_list("code", "filled", "status")) == [("TG0000001", 4, "closed")]

    # The first phone scans the tube again: the server says it is closed, whatever this phone counted.
    _scan(page, "TG0000001")
    assert page.locator("[data-testid=message]").inner_text() == "Tube TG0000001 is closed. Scan a new tube."
    assert page.locator("#cap-tube").get_attribute("data-state") == "closed"


def test_a_boxed_tube_a_word_and_a_code_before_any_tube_are_refused_and_a_person_is_confirmed_big(
    page, live_server, world, residents, round_, point
):
    if page.viewport_name != "phone":
        pytest.skip("the desk on a phone")
    b1 = residents.b1
    fill(world, residents, round_, point, "TG0000005", b1[6:8])
    BoxFactory(
        round=round_, point=point, code="BOX-005", tubes=["TG0000005"], packed=True, acting_user=world.staff
    )
    _open_desk(page, live_server, round_, point)
    _scan(page, "HELLO123")
    assert page.locator("[data-testid=message]").inner_text() == (
        "'HELLO123' is not a tube code (up to 6 letters, then at least 4 digits (dashes allowed)), nor a "
        "personal or family code, nor an ID number."
    )
    assert page.locator("[data-testid=tube-code]").inner_text() == "—"
    _scan(page, residents.codes[b1[0].pk])
    assert page.locator("[data-testid=message]").inner_text() == "Scan a tube first, then the people."
    _scan(page, "TG0000005")
    assert page.locator("[data-testid=message]").inner_text() == (
        "Tube TG0000005 is closed and packed in box BOX-005 (2 people). Take a new tube."
    )
    assert page.locator("[data-testid=tube-code]").inner_text() == "—"
    _scan(page, "TG0000006")
    assert page.locator("[data-testid=tube-count]").inner_text() == "0 of 10"
    assert page.locator("[data-testid=close-tube]").is_visible()
    _scan(page, residents.codes[b1[0].pk])
    confirm = page.locator("[data-testid=confirm]")
    expect(confirm.locator("[data-testid=confirm-door]")).to_have_text("1号楼 Unit 1 101")
    assert confirm.get_attribute("role") == "status"
    assert confirm.locator("[data-testid=confirm-who]").inner_text() == "居***甲"
    assert confirm.locator("[data-testid=confirm-tube]").inner_text() == "In tube TG0000006 · 1 of 10"
    assert confirm.bounding_box()["height"] >= 60
    _scan(page, "ab")  # an error hides the confirmation: it never stands beside a refusal
    assert confirm.is_hidden()
    assert list(Sample.objects.filter(tube__code="TG0000006").values_list("person_id", flat=True)) == [
        b1[0].pk
    ]


def test_offline_the_desk_says_its_count_is_its_own(page, live_server, world, residents, round_, point):
    if page.viewport_name != "phone":
        pytest.skip("the desk on a phone")
    _open_desk(page, live_server, round_, point)
    page.context.set_offline(True)
    _scan(page, "TG0000008")
    assert page.locator("[data-testid=tube-code]").inner_text() == "TG0000008"
    assert page.locator("[data-testid=tube-source]").inner_text() == "Offline: count from this phone only"
    page.context.set_offline(False)
    _scan(page, "TG0000008")
    expect(page.locator("[data-testid=tube-source]")).to_be_hidden()


# ---------------------------------------------------------------------------------------------
# Camera scanning through the vendored decoder (this Chromium has no BarcodeDetector)


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _qr_y4m(path, text: str, side: int = 480) -> None:
    """A still video of a QR code (Y4M, 4:2:0) for Chromium's fake camera."""
    matrix = [list(row) for row in segno.make(text, error="m").matrix]
    modules = len(matrix) + 8
    scale = side // modules
    offset = (side - scale * len(matrix)) // 2
    luma = bytearray([235]) * (side * side)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (offset + y * scale + dy) * side + offset + x * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (side * side // 4)
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{side} H{side} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(3):
            handle.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def test_a_personal_code_read_from_a_photo_registers_the_person(
    page, live_server, world, residents, round_, point
):
    if page.viewport_name != "phone":
        pytest.skip("a phone's photo")
    person = residents.b1[5]
    _open_desk(page, live_server, round_, point)
    _scan(page, "TG0000010")
    page.set_input_files(
        "[data-testid=photo]",
        files=[{"name": "code.png", "mimeType": "image/png", "buffer": _qr_png(residents.codes[person.pk])}],
    )
    # The photo's decoder is loaded when first needed and reads the whole picture: on a busy two-core
    # CI machine running two test processes that took longer than 15 s once.
    expect(page.locator("#cap-list .cap-item.is-stored")).to_have_count(1, timeout=60_000)
    expect(page.locator("[data-testid=confirm-who]")).to_have_text("居***乙")
    assert list(Sample.objects.values_list("person_id", "tube__code")) == [(person.pk, "TG0000010")]


def test_the_camera_reads_a_personal_code_through_the_vendored_decoder(
    browser, live_server, world, residents, round_, point, tmp_path
):
    person = residents.b1[4]
    video = tmp_path / "code.y4m"
    _qr_y4m(video, residents.codes[person.pk])
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
        context.grant_permissions(["camera"], origin=live_server.url)
        violations = watch_policy(context)
        phone = context.new_page()
        _open_desk(phone, live_server, round_, point)
        _scan(phone, "TG0000011")
        phone.click("[data-testid=camera]")
        expect(phone.locator("#cap-list .cap-item.is-stored")).to_have_count(1)
        assert phone.locator("html").get_attribute("data-camera-decoder") == "vendored"
        expect(phone.locator("[data-testid=confirm-who]")).to_have_text("居***甲")
        close_watched(context, violations)
    finally:
        camera_browser.close()
    fail_on_violations(violations)
    assert list(Sample.objects.values_list("person_id", "tube__code")) == [(person.pk, "TG0000011")]


def test_door_to_door_each_door_says_the_rule_its_people_get_in_chinese(
    zh_page, live_server, world, residents, round_, point
):
    """A door said 每管 20 人 while its person said 单人单管: the door now says what each of its people
    gets (a sealed door, a re-sample beside a pooled household, a door of re-samples only)."""
    page = zh_page
    b1 = residents.b1
    area_set_risk(
        acting_user=world.staff, area=household(world.b1, "301"), status=RiskStatus.SEALED, reason="阳性密接"
    )
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[b1[0].pk])],
    )
    pool = Sample.objects.get(person=b1[0])
    ResampleTask.objects.create(
        round=round_,
        person=b1[0],
        household_id=pool.household_id,
        household_path=pool.household_path,
        pool_sample=pool,
    )
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1")
    page.wait_for_selector("html[data-capture-ready]")
    rules = {
        door.locator(".cap-door-no").inner_text(): door.get_by_test_id("door-rule").inner_text()
        for door in page.get_by_test_id("door").all()
    }
    assert rules == {
        "101": "每管 10 人 · 复采人员单人单管",
        "102": "每管 10 人",
        "201": "每管 10 人",
        "202": "每管 10 人",
        "301": "封控：单人单管",
        "302": "每管 10 人",
    }
    person = page.locator(f".cap-person[data-person='{b1[0].pk}']")
    assert person.get_by_test_id("person-state").inner_text() == "复采：单人单管"
    assert page.locator(".cap-door.is-sealed .badge.sealed").inner_text() == "封控区"
    assert page.locator(".cap-floor-no").first.inner_text() == "1层"
    # The page writes every door from its data, and works with no network once it has been kept.
    page.wait_for_selector("html[data-offline-ready]")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("html[data-capture-ready]")
    expect(page.get_by_test_id("door")).to_have_count(6)
