"""A village's morning on a phone, in Chinese: its map by group, the round's coverage by group, and a
call-down of group 1 to the committee's sampling point."""

import datetime as dt

import pytest
from django.utils import timezone

from firstline.notices.models import NoticeDelivery
from firstline.people.services import person_register
from firstline.testing.models import CallDown, RoundStatus
from firstline.testing.rounds import services as rounds_services
from tests.browser.conftest import sign_in
from tests.rural import house

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_committee_sees_its_groups_and_calls_group_one_to_the_committee(
    zh_page, live_server, rural
):
    for number in ("1号", "2号"):
        for name in ("甲", "乙"):
            person_register(
                acting_user=rural.village_user,
                household=house(rural.village, "1组", number),
                data={"name": f"一组{number}{name}"},
            )
    person_register(
        acting_user=rural.village_user, household=house(rural.village, "2组", "3号"), data={"name": "二组3号"}
    )
    today = timezone.localdate()
    round = rounds_services.round_create(
        acting_user=rural.village_user,
        area=rural.village,
        name="新添堡村全员核酸",
        date=today,
        scope=[rural.village],
    )
    rounds_services.round_set_status(acting_user=rural.village_user, round=round, status=RoundStatus.OPEN)
    point = rounds_services.sampling_point_create(
        acting_user=rural.village_user,
        compound=rural.village,
        values={
            "name": "村委会采样点",
            "location": "村委会院内",
            "desks": 1,
            "opens_at": dt.time(0, 0),
            "closes_at": dt.time(23, 59),
        },
    )
    page = zh_page
    sign_in(page, live_server, "village")
    page.goto(f"{live_server.url}/areas/{rural.village.pk}/")
    page.click("text=村庄图")
    page.wait_for_url(f"**/areas/{rural.village.pk}/map/")
    assert page.locator("section.stairwell h2").all_inner_texts() == ["1组", "2组", "不属于任何组的住户"]
    assert page.locator("a.door").count() == 9
    page.goto(f"{live_server.url}/testing/rounds/{round.pk}/coverage/{rural.village.pk}/")
    assert "1组" in page.content() and "2组" in page.content()
    page.goto(f"{live_server.url}/testing/rounds/{round.pk}/calldowns/{point.pk}/")
    wave = page.locator("text=新添堡村1组").first
    wave.wait_for()
    # The message for the village's chat group is in the deployment's language (English in the tests).
    message = page.locator("[data-testid=wave-message]").first.input_value()
    assert message.startswith("[Testing] Villagers of 新添堡村 1组") and "come down" not in message
    page.locator("button:has-text('现在喊楼')").first.click()
    page.wait_for_load_state("networkidle")
    call = CallDown.objects.get(round=round)
    assert [s.name for s in call.stairwells.all()][0] == "1组"
    assert NoticeDelivery.objects.filter(notice__kind="call_down", user=rural.group_leader).exists()
    # No horizontal scrolling at 390 px on the map.
    page.goto(f"{live_server.url}/areas/{rural.village.pk}/map/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_community_staff_add_a_scattered_house_on_a_phone(zh_page, live_server, rural):
    page = zh_page
    sign_in(page, live_server, "dongguan")
    page.goto(f"{live_server.url}/areas/{rural.dongguan.pk}/")
    page.click("#add-inside summary")
    form = page.locator("#add-inside form")
    form.locator("select[name=kind]").select_option("household")
    form.locator("input[name=name]").fill("和平巷20号")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("a.tile", has_text="和平巷20号").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # The same name twice: refused with the reason, in Chinese, nothing added.
    page.click("#add-inside summary")
    form.locator("select[name=kind]").select_option("household")
    form.locator("input[name=name]").fill("和平巷20号")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "这里已有 和平巷20号。" in page.content()
    assert page.locator("a.tile", has_text="和平巷20号").count() == 1
