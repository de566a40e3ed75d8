"""Staff at work in the browser: search, reveal (recorded), a visit from a list, a merge, a new volunteer."""

import pytest
from django.contrib.auth import get_user_model

from firstline.common.audit import AuditEntry
from firstline.people.models import DuplicateCandidate, Person
from firstline.survey.models import SurveyVisit
from tests.browser.conftest import nav_to, sign_in
from tests.conftest import household
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_reveal_visit_merge_and_team(page, live_server, world):
    door = household(world.b1, "501", "Unit 2")
    wang = PersonFactory(
        acting_user=world.staff,
        household=door,
        name="王芳",
        id_number="11010519491231002X",
        phone="13800138000",
    )
    twin_door = household(world.b1, "102")
    PersonFactory(
        acting_user=world.staff, household=twin_door, name="李娜", phone="13900139000", id_number=None
    )
    PersonFactory(
        acting_user=world.staff, household=twin_door, name="李娜", phone="13900139000", id_number=None
    )
    sign_in(page, live_server, "staff")

    nav_to(page, "Search")
    page.fill("input[name=q]", "1-2-501")
    page.press("input[name=q]", "Enter")
    assert page.locator("[data-testid=taken-as]").inner_text() == "Looked for a door. 1 person found"
    page.click("td a:has-text('王芳')")
    assert page.locator("[data-testid=masked]").inner_text() == "110***********002X"
    page.click("button:has-text('Reveal (recorded)')")
    assert page.locator("[data-testid=revealed]").inner_text() == "11010519491231002X"
    assert AuditEntry.objects.filter(action="person.reveal_id", target_id=str(wang.pk)).count() == 1

    page.goto(f"{live_server.url}/areas/{world.b1.pk}/survey/?list=never")
    row = page.locator("tr", has=page.locator(f"a[href='/households/{door.pk}/']"))
    row.locator("select[name=outcome]").select_option("not_home")
    row.locator("button:has-text('Record')").click()
    page.wait_for_selector("text=Recorded ✓")
    assert list(SurveyVisit.objects.filter(household=door).values_list("outcome", flat=True)) == ["not_home"]

    nav_to(page, "Duplicates")
    page.click("button:has-text('Same person: keep the right one')")
    assert page.locator(".messages li").inner_text().startswith("Merged into 李娜")
    assert DuplicateCandidate.objects.get().status == "merged"
    assert Person.objects.filter(name="李娜", merged_into__isnull=True).count() == 1

    nav_to(page, "Team")
    page.fill("input[name=username]", "new-volunteer")
    page.fill("input[name=password]", "a-long-pass-2022")
    page.select_option("select[name=role]", "volunteer")
    page.select_option("select[name=area]", str(world.b2.pk))
    page.click("button:has-text('Grant')")
    assert page.locator(".messages li").inner_text() == "new-volunteer now holds the role."
    assert get_user_model().objects.get(username="new-volunteer").grants.get().area == world.b2

    nav_to(page, "Audit")
    page.click("a.button:has-text('person.reveal_id')")
    assert page.locator("table.audit tbody tr").count() == 1
    assert "11010519491231002X" not in page.content()
