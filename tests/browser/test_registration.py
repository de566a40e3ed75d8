"""A resident registers the household from the compound's QR code; staff review and accept it."""

import pytest

from firstline.areas.services import area_public_token_ensure
from firstline.people.models import Residence
from tests.browser.conftest import sign_in
from tests.conftest import household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_registers_and_staff_accepts(page, live_server, world):
    token = area_public_token_ensure(acting_user=world.staff, compound=world.p1)
    door = household(world.b1, "301")
    page.goto(f"{live_server.url}/r/{token}/")
    page.select_option("select[name=building]", str(world.b1.pk))
    page.wait_for_selector("select[name=household]")
    page.select_option("select[name=household]", str(door.pk))
    page.fill("input[name=contact_phone]", "13800138000")
    page.fill("input[name=m-0-name]", "刘芳")
    page.fill("input[name=m-0-id_number]", "11010519491231002x")
    page.fill("input[name=m-1-name]", "刘小宝")
    page.select_option("select[name=m-1-id_type]", "none")
    page.fill("input[name=m-1-age]", "1")
    page.click("button:has-text('Send')")
    assert page.locator("h1").inner_text() == "Thank you"
    sign_in(page, live_server, "staff")
    page.click("text=Review")
    page.click("table a")
    assert page.locator("fieldset.member code").all_inner_texts() == ["110***********002X", "—"]
    page.click("button:has-text('Accept and register')")
    page.wait_for_url(f"**/households/{door.pk}/")
    assert sorted(page.locator("table.members td a").all_inner_texts()) == ["刘小宝", "刘芳"]
    assert Residence.objects.filter(household=door, is_current=True).count() == 2
