"""Choosing a door on a phone (390×844, in Chinese): building → unit → door on registration review,
a typed door ('2-1-303') when a building leader moves a person; no long select of every door."""

import pytest
from playwright.sync_api import expect

from firstline.people.models import Residence
from tests.browser.conftest import sign_in
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.factories.registration import SelfRegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page, swapped_in) -> None:
    """Wait until htmx has swapped `swapped_in` into the page and wired it (it does so as the swap
    settles: a change fired sooner, faster than any thumb, would reach no listener)."""
    expect(swapped_in).to_be_visible()
    expect(page.locator(".htmx-settling, .htmx-swapping")).to_have_count(0)


def test_staff_choose_another_door_by_building_unit_and_door_on_review(zh_page, live_server, world):
    page = zh_page
    typed = household(world.b1, "301")
    meant = household(world.b1, "502", "Unit 2")
    submission = SelfRegistrationFactory(household=typed)
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/registrations/{submission.pk}/")
    picker = page.get_by_test_id("door-picker")
    expect(picker.locator("input[name=household]:checked")).to_have_value(str(typed.pk))
    assert page.locator("select[name=household] option").count() == 0  # no select of every door
    picker.get_by_label("楼栋").select_option(str(world.b1.pk))
    settled(page, picker.get_by_label("单元", exact=True))
    picker.get_by_label("单元").select_option(label="Unit 2")
    settled(page, picker.get_by_label("门牌", exact=True))
    picker.locator("select[name=household]").select_option(label="502")
    page.locator("button[value=accept]").click()
    page.wait_for_url(f"**/households/{meant.pk}/")
    assert Residence.objects.filter(household=meant, is_current=True).count() == 1
    assert not Residence.objects.filter(household=typed).exists()


def test_a_building_leader_moves_a_person_by_typing_the_door(zh_page, live_server, world):
    page = zh_page
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="王小芳", name_only=True
    )
    target = household(world.b2, "303")
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    picker = page.get_by_test_id("door-picker")
    options = picker.get_by_label("楼栋").locator("option").all_inner_texts()
    assert options == ["—", "1号楼", "2号楼"]  # the leader's buildings only, never 3号楼 or 9号楼
    picker.get_by_label("或输入门牌").fill("3-101")
    expect(picker.get_by_test_id("no-door")).to_be_visible()
    picker.get_by_label("或输入门牌").fill("2-1-303")
    choice = picker.locator("label.door-choice")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text("2号楼")
    expect(choice.locator("input")).to_be_checked()
    box = choice.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    page.locator(f"form[action$='/people/{person.pk}/move/'] button[type=submit]").click()
    page.wait_for_url(f"**/people/{person.pk}/")
    assert Residence.objects.get(person=person, is_current=True).household == target
