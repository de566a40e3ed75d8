"""Gate parcels on a phone, in Chinese: a volunteer registers a parcel for a typed door, disinfects
it, is refused at the door while its hold lasts (with the time left), and delivers it once the hold
has ended (the clock moved by editing the hold's end in the test database); then staff split a day's
deliveries among four volunteers and see the makespan beside the lower bound."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstline.accounts.roles import Role
from firstline.parcels.models import Parcel
from tests.browser.conftest import sign_in
from tests.conftest import household, make_user
from tests.factories.parcels import parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2000


def test_a_parcel_through_disinfection_hold_and_delivery(zh_page, live_server, world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    page = zh_page
    sign_in(page, live_server, "volunteer")
    page.goto(f"{live_server.url}/parcels/?site={world.p1.pk}")
    page.fill("#door-q", "1-1-601")
    page.fill("#parcel-description", "2袋50斤的面粉")
    page.fill("#parcel-count", "2")
    page.select_option("#parcel-weight", "heavy")
    page.get_by_test_id("parcel-register-submit").click()
    expect(page.locator(".messages")).to_contain_text("已登记：1号楼Unit 1601 的 2袋50斤的面粉 ×2")
    expect(page.get_by_test_id("waiting-count")).to_have_text("1")
    page.get_by_test_id("parcel-disinfect-submit").click()
    expect(page.locator(".messages")).to_contain_text("已消杀 1 件，120 分钟后可配送")
    made = Parcel.objects.get()
    assert (made.state, made.disinfected_by_id) == ("holding", world.volunteer.pk)

    page.goto(f"{live_server.url}/parcels/queue/?site={world.p1.pk}")
    card = page.get_by_test_id(f"queue-parcel-{made.pk}")
    expect(card).to_contain_text("还需等待 2小时")
    card.get_by_test_id(f"deliver-photo-{made.pk}").set_input_files(
        {"name": "door.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    card.get_by_test_id(f"deliver-{made.pk}").click()
    expect(page.locator(".messages")).to_contain_text("静置中：还需等待 2小时")
    assert Parcel.objects.get(pk=made.pk).state == "holding"

    # The hold ends: its end moved into the past in the row, as the clock would.
    Parcel.objects.filter(pk=made.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    page.reload()
    card = page.get_by_test_id(f"queue-parcel-{made.pk}")
    expect(card).not_to_contain_text("还需等待")
    card.get_by_test_id(f"deliver-photo-{made.pk}").set_input_files(
        {"name": "door.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    card.get_by_test_id(f"deliver-{made.pk}").click()
    expect(page.locator(".messages")).to_contain_text("已送达 1号楼Unit 1601")
    made.refresh_from_db()
    assert (made.state, made.proof, made.delivered_by_id) == ("delivered", "photo", world.volunteer.pk)

    page.goto(f"{live_server.url}/parcels/board/?site={world.p1.pk}")
    expect(page.get_by_test_id("count-delivered")).to_contain_text("1")
    expect(page.get_by_test_id("count-holding")).to_contain_text("0")


def test_a_days_deliveries_split_among_four_volunteers(zh_page, live_server, world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for n in range(3):
        make_user(f"helper{n}", Role.VOLUNTEER, world.p1)
    doors = [household(world.b1, d, u) for u in ("Unit 1", "Unit 2") for d in ("101", "301", "501", "602")]
    doors += [household(world.b2, d) for d in ("101", "201", "304")]
    for door in doors:
        parcel(acting_user=world.volunteer, household=door, description="1桶20斤的油", state="deliverable")
    page = zh_page
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/parcels/split/?site={world.p1.pk}")
    figures = page.get_by_test_id("split-figures")
    expect(figures).to_contain_text("11 件包裹")
    expect(figures).to_contain_text("最长一趟")
    expect(figures).to_contain_text("下界")
    for n in range(1, 5):
        expect(page.get_by_test_id(f"share-{n}").locator("svg")).to_be_visible()
    page.get_by_test_id("split-assign").click()
    expect(page.locator(".messages")).to_contain_text("已把 11 件包裹交给配送员")
    assert Parcel.objects.filter(state="out").count() == 11
    assert Parcel.objects.values("courier_id").distinct().count() == 4
    page.goto(f"{live_server.url}/parcels/split/print/?site={world.p1.pk}")
    expect(page.get_by_test_id("print-kind")).to_contain_text("配送中")
    expect(page.get_by_test_id("split-figures")).to_contain_text("11 件包裹")
    expect(page.locator(".split-print")).to_have_count(4)
