"""A resident registers the household from the compound's QR code; staff review and accept it."""

import pytest

from firstline.areas.services import area_public_token_ensure
from firstline.people.models import Residence
from tests.browser.conftest import nav_to, sign_in
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
    nav_to(page, "Review")
    page.click("table a")
    assert page.locator("fieldset.member code").all_inner_texts() == ["110***********002X", "—"]
    page.click("button:has-text('Accept and register')")
    page.wait_for_url(f"**/households/{door.pk}/")
    assert sorted(page.locator("table.members td a").all_inner_texts()) == ["刘小宝", "刘芳"]
    assert Residence.objects.filter(household=door, is_current=True).count() == 2


def test_staff_reject_a_floods_sender_at_once_and_accept_a_held_resident(
    page, live_server, world, monkeypatch
):
    from firstline.registration import services
    from firstline.registration.models import SelfRegistration

    monkeypatch.setattr(services, "PER_COMPOUND_PER_HOUR", 3)
    junk = [
        services.registration_submit(
            compound=world.p1,
            household=None,
            address_text="1号楼999",
            contact_phone="13800138000",
            members=[{"name": f"垃圾{i}", "id_type": "none", "age": "30"}],
            submission_key=f"junk-{i:020d}",
            client_ip="192.0.2.9",
        )
        for i in range(4)
    ]
    resident = services.registration_submit(
        compound=world.p1,
        household=household(world.b1, "301"),
        address_text="",
        contact_phone="13900139000",
        members=[{"name": "刘芳", "id_number": "11010519491231002x"}],
        submission_key="resident-000000000000",
        client_ip="203.0.113.7",
    )
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/registrations/")
    assert page.locator("[data-testid=pending] tbody tr").count() == 3
    assert page.locator("[data-testid=suspect] tbody tr").count() == 2
    page.check(f"input[name=sender][value='{junk[0].client_hash}']")
    page.fill("input[name=reason]", "批量垃圾提交")
    with page.expect_navigation():
        page.click("button:has-text('Reject the checked forms')")
    assert page.locator("[data-testid=pending] td.empty").inner_text() == "Nothing waiting."
    assert page.locator("[data-testid=suspect] tbody tr a").all_inner_texts() == [str(resident.pk)]
    page.click(f"[data-testid=suspect] a:has-text('{resident.pk}')")
    assert page.locator("[data-testid=held]").is_visible()
    page.click("button:has-text('Accept and register')")
    page.wait_for_url(f"**/households/{household(world.b1, '301').pk}/")
    assert (
        sorted(SelfRegistration.objects.values_list("status", flat=True)) == ["accepted"] + ["rejected"] * 4
    )
