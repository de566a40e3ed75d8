"""The village's lettuce (seed 000) from the donation to the last door, on a phone in Chinese: staff
receive the village's gift into the community's store, plan the campaign by the form, the unit
leader confirms the count, staff issue the batch and hand it over, the leader marks the doors (one
not at home, tried again later), and the campaign page shows the total reconciled: issued =
delivered, and the store holds the gift less what went out."""

import pytest
from playwright.sync_api import expect

from firstline.accounts.roles import Role
from firstline.supplies.models import Stock
from tests.browser.conftest import sign_in
from tests.conftest import make_user
from tests.factories.areas import BuildingFactory, CompoundFactory
from tests.factories.supplies import item, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_compound(world):
    """睿和小区 in C1: 1号楼, one unit of 2 floors × 2 doors, with its leader; C1's store, empty."""
    compound = CompoundFactory(parent=world.c1, name="睿和小区")
    building = BuildingFactory(
        acting_user=world.staff,
        compound=compound,
        name="1号楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    make_user("wangpeng", Role.BUILDING_LEADER, building)
    warehouse(world.c1, "C1社区库房")
    item("lettuce")
    return compound


def _as(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def test_the_lettuce_from_stock_to_the_last_door(zh_page, live_server, world, small_compound):
    page = zh_page
    _as(page, live_server, "staff")
    # The village's gift arrives: 100 jin of it at C1's store, with its thank-you letter.
    page.goto(f"{live_server.url}/supplies/donations/")
    page.click("[data-testid=donation-add]")
    form = page.locator("[data-testid=donation-form]")
    form.locator("#donor_name").fill("新添堡村")
    form.locator("#donor_kind").select_option("village")
    form.locator("#contact_person").fill("张书记")
    form.locator("#phone").fill("13803520001")
    form.locator("#warehouse").select_option(label="C1社区库房")
    form.locator("#item-0").select_option(label="生菜 (斤)")
    form.locator("input[name=quantity-0]").fill("100")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/letter/")
    expect(page.locator("[data-testid=letter] h1")).to_have_text("感谢信")
    store = Stock.objects.filter(warehouse__name="C1社区库房", item__name="生菜")
    assert [s.quantity for s in store] == [100]

    page.goto(f"{live_server.url}/distributions/")
    page.get_by_test_id("dist-new").click()
    page.fill("input[name=name]", "爱心生菜 每户一份")
    page.select_option("select[name=item_1]", label="生菜 (斤)")
    page.fill("input[name=quantity_1]", "7.8")
    page.get_by_label("睿和小区").check()
    page.fill("textarea[name=order]", "1号楼")
    page.get_by_test_id("dist-create").click()
    expect(page.locator("h1")).to_contain_text("爱心生菜 每户一份")
    campaign_url = page.url
    expect(page.get_by_test_id("dist-building")).to_have_count(1)

    # The leader confirms the household count first.
    _as(page, live_server, "wangpeng")
    page.goto(campaign_url)
    page.get_by_test_id("dist-doors-link").click()
    doors_url = page.url
    page.get_by_test_id("dist-confirm").click()
    expect(page.get_by_test_id("dist-confirmed")).to_contain_text("wangpeng")
    expect(page.get_by_test_id("dist-door")).to_have_count(4)
    expect(page.get_by_test_id("dist-delivered")).to_have_count(0)  # not handed over yet

    # Staff issue batch 1 from stock and hand the building over.
    _as(page, live_server, "staff")
    page.goto(campaign_url)
    page.get_by_test_id("dist-issue-1").click()
    expect(page.get_by_test_id("dist-issued")).to_have_text("31.2")
    page.get_by_test_id("dist-handover").click()
    expect(page.get_by_test_id("dist-handover")).to_have_count(0)

    # The leader marks the doors with one thumb; 102 is not at home, and tried again in the evening.
    _as(page, live_server, "wangpeng")
    page.goto(doors_url)
    doors = page.get_by_test_id("dist-door")
    for index, outcome in (
        (0, "dist-delivered"),
        (1, "dist-not-home"),
        (2, "dist-delivered"),
        (3, "dist-delivered"),
    ):
        doors.nth(index).get_by_test_id(outcome).click()
        expect(doors.nth(index).get_by_test_id("dist-door-status")).to_have_text(
            "不在家" if outcome == "dist-not-home" else "已送达"
        )
    page.reload()
    expect(page.get_by_test_id("dist-door-counts")).to_contain_text("已送达 3 · 不在家 1")
    page.get_by_test_id("dist-door").nth(1).get_by_test_id("dist-delivered").click()
    expect(page.get_by_test_id("dist-door").nth(1).get_by_test_id("dist-door-status")).to_have_text("已送达")

    # The campaign reconciles: 31.2 jin issued, handed over and delivered, nothing left with leaders.
    _as(page, live_server, "staff")
    page.goto(campaign_url)
    expect(page.get_by_test_id("dist-reconciled")).to_have_text("账目相符")
    expect(page.get_by_test_id("dist-delivered")).to_have_text("31.2")
    expect(page.get_by_test_id("dist-with-leaders")).to_have_text("0")
    expect(page.get_by_test_id("dist-building-figures")).to_contain_text("4 户中已送达 4 户")
    # What the store holds is the gift less what went out to the doors.
    assert [str(s.quantity.normalize()) for s in store.all()] == ["68.8"]
