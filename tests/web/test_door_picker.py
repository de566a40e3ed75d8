"""Choosing a door (building → unit → door, or a typed door): never a door outside the user's areas,
the same number of queries however big the compound, and a plain form when JavaScript is off."""

import pytest

from firstline.areas.doors import door_pick, door_search
from firstline.people.models import Residence
from tests.conftest import household
from tests.factories.areas import BuildingFactory
from tests.factories.people import PersonFactory
from tests.factories.registration import SelfRegistrationFactory
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db


def _doors(pick_or_found) -> set[int]:
    return {door.pk for door in pick_or_found}


def test_a_building_leader_is_offered_only_their_buildings_and_their_doors(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    client.force_login(world.leader)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="door-picker"' in page
    assert ">1号楼</option>" in page and ">2号楼</option>" in page
    assert ">3号楼</option>" not in page and "9号楼" not in page
    assert '<option value="' + str(household(world.b3, "101", None).pk) not in page

    base = f"/areas/{world.p1.pk}/doors/"
    # Another building of the compound, asked for by its id, is not chosen: no door of it comes back.
    outside = client.get(base, {"door_from": "block", "door_block": world.b3.pk}).content.decode()
    assert 'name="household"' not in outside
    # A typed door finds the leader's doors only: every 101 of 1号楼 and 2号楼, none of 3号楼.
    found = client.get(base, {"door_from": "q", "door_q": "101"}).content.decode()
    assert str(household(world.b1, "101").pk) in found and str(household(world.b2, "101").pk) in found
    assert f'value="{household(world.b3, "101", None).pk}"' not in found
    nothing = client.get(base, {"door_from": "q", "door_q": "3-101"}).content.decode()
    assert 'data-testid="no-door"' in nothing
    # Another compound does not exist for them.
    assert client.get(f"/areas/{world.p2.pk}/doors/", {"door_from": "q", "door_q": "101"}).status_code == 404


def test_the_selector_never_returns_a_door_outside_the_grants(world):
    everything = door_search(user=world.leader, within=world.p1, query="101")
    assert _doors(everything) == {
        household(world.b1, "101").pk,
        household(world.b1, "101", "Unit 2").pk,
        household(world.b2, "101").pk,
    }
    assert door_search(user=world.leader, within=world.p1, query="3-101") == []
    assert door_search(user=world.outsider, within=world.p1, query="101") == []
    pick = door_pick(
        user=world.leader, within=world.p1, block=world.b3.pk, chosen=household(world.b3, "101", None).pk
    )
    assert {b.name for b in pick.blocks} == {"1号楼", "2号楼"}
    assert pick.block is None and pick.doors == [] and pick.chosen is None


@pytest.mark.parametrize(
    ("query", "door"),
    [
        ("1-2-501", ("501", "Unit 2")),
        ("1号楼2单元501", ("501", "Unit 2")),
        ("1 - 1 - 302", ("302", "Unit 1")),
    ],
)
def test_a_typed_door_reads_as_building_unit_door(world, query, door):
    assert _doors(door_search(user=world.staff, within=world.p1, query=query)) == {
        household(world.b1, *door).pk
    }


def test_a_building_without_units_lists_its_doors_and_a_building_with_units_asks_for_the_unit(world):
    flat = door_pick(user=world.staff, within=world.p1, block=world.b3.pk)
    assert flat.units == [] and len(flat.doors) == 4
    stairs = door_pick(user=world.staff, within=world.p1, block=world.b1.pk)
    assert [u.name for u in stairs.units] == ["Unit 1", "Unit 2"] and stairs.doors == []
    unit = stairs.units[1]
    chosen = door_pick(user=world.staff, within=world.p1, block=world.b1.pk, unit=unit.pk)
    assert len(chosen.doors) == 12 and {d.parent_id for d in chosen.doors} == {unit.pk}
    single = door_pick(user=world.staff, within=world.p1, block=world.b2.pk)
    assert len(single.doors) == 12  # one unit: its doors at once


def test_moving_a_person_with_the_picker_and_without_javascript(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    client.force_login(world.staff)
    # Without JavaScript: the building is chosen and the form sent; the page comes back with its doors.
    response = client.post(
        f"/people/{person.pk}/move/", {"door_block": world.b3.pk, "relation": "other", "date": "2022-04-05"}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="door-door"' in page and f'value="{household(world.b3, "102", None).pk}"' in page
    target = household(world.b3, "102", None)
    response = client.post(
        f"/people/{person.pk}/move/",
        {"door_block": world.b3.pk, "household": target.pk, "relation": "other", "date": "2022-04-05"},
    )
    assert response.status_code == 302
    assert Residence.objects.get(person=person, is_current=True).household == target


def test_a_leader_cannot_move_a_person_to_a_door_outside_their_buildings(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    client.force_login(world.leader)
    response = client.post(
        f"/people/{person.pk}/move/",
        {"household": household(world.b3, "101", None).pk, "relation": "other", "date": "2022-04-05"},
    )
    assert response.status_code == 422
    assert Residence.objects.get(person=person, is_current=True).household == household(world.b1, "101")


def test_registration_review_offers_the_picker_with_the_door_the_form_named(client, world):
    door = household(world.b1, "502", "Unit 2")
    submission = SelfRegistrationFactory(household=door)
    client.force_login(world.staff)
    page = client.get(f"/registrations/{submission.pk}/").content.decode()
    assert 'data-testid="door-picker"' in page
    assert f'name="household" value="{door.pk}" checked' in page and "1号楼Unit2502" in page.replace(" ", "")
    assert page.count("<option") < 40  # no select of every door of the compound


def test_the_pages_with_a_picker_cost_the_same_for_a_small_and_a_big_compound(client, world):
    person = PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="甲", name_only=True
    )
    submission = SelfRegistrationFactory(household=household(world.b1, "102"))
    client.force_login(world.staff)
    urls = [
        f"/people/{person.pk}/",
        f"/registrations/{submission.pk}/",
        f"/areas/{world.p1.pk}/doors/?door_from=block&door_block={world.b1.pk}&door_unit=",
        f"/areas/{world.p1.pk}/doors/?door_from=q&door_q=101",
    ]
    small = {}
    for url in urls:
        with queries() as small[url]:
            assert client.get(url).status_code == 200
    for n in range(3):
        BuildingFactory(acting_user=world.staff, compound=world.p1, name=f"{20 + n}号楼", units=3, floors=6)
    for url in urls:
        with assert_queries(small[url]):
            assert client.get(url).status_code == 200
