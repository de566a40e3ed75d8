"""The ledger pages on the country's places: adding villages and scattered houses, the village map."""

import pytest

from firstline.areas.models import Area, AreaKind
from firstline.common.audit import AuditEntry
from tests.rural import house

pytestmark = pytest.mark.django_db


def test_community_staff_add_a_scattered_house_and_a_village_is_added_with_its_groups(client, rural):
    client.force_login(rural.dongguan_user)
    page = client.get(f"/areas/{rural.dongguan.pk}/").content.decode()
    assert f'action="/areas/{rural.dongguan.pk}/add/"' in page and '<option value="household">' in page
    response = client.post(f"/areas/{rural.dongguan.pk}/add/", {"kind": "household", "name": "和平巷20号"})
    assert response.status_code == 302
    added = Area.objects.get(parent=rural.dongguan, name="和平巷20号")
    assert added.kind == AreaKind.HOUSEHOLD and added.door == "和平巷20号"
    assert "和平巷20号" in client.get(f"/areas/{rural.dongguan.pk}/").content.decode()
    # The same name twice is refused with the reason, and nothing is added.
    again = client.post(
        f"/areas/{rural.dongguan.pk}/add/", {"kind": "household", "name": "和平巷20号"}, follow=True
    )
    assert "already exists" in again.content.decode()
    assert Area.objects.filter(parent=rural.dongguan, name="和平巷20号").count() == 1

    client.force_login(rural.county_user)
    response = client.post(
        f"/areas/{rural.township.pk}/add/",
        {"kind": "village", "name": "前进村", "groups": "3", "houses_per_group": "10"},
    )
    assert response.status_code == 302
    village = Area.objects.get(parent=rural.township, name="前进村")
    assert Area.objects.filter(parent=village, kind=AreaKind.VILLAGE_GROUP).count() == 3
    assert Area.objects.filter(parent__parent=village, kind=AreaKind.HOUSEHOLD).count() == 30
    assert AuditEntry.objects.filter(action="village.layout", target_id=village.pk).exists()
    # A building cannot stand in a village: refused by name, nothing added.
    refused = client.post(f"/areas/{village.pk}/add/", {"kind": "building", "name": "1号楼"}, follow=True)
    assert (
        "A building cannot be placed under a village: inside it you may add village group, household."
        in refused.content.decode()
    )
    assert not Area.objects.filter(parent=village, kind=AreaKind.BUILDING).exists()


def test_a_leader_cannot_add_places_and_the_form_is_not_offered(client, rural):
    client.force_login(rural.group_leader)
    page = client.get(f"/areas/{rural.group1.pk}/").content.decode()
    assert "/add/" not in page
    response = client.post(f"/areas/{rural.group1.pk}/add/", {"kind": "household", "name": "9号"})
    assert response.status_code == 403
    assert not Area.objects.filter(parent=rural.group1, name="9号").exists()


def test_the_village_map_shows_houses_by_group_and_is_linked_from_the_village(client, rural):
    client.force_login(rural.village_user)
    page = client.get(f"/areas/{rural.village.pk}/").content.decode()
    assert f'href="/areas/{rural.village.pk}/map/"' in page
    map_page = client.get(f"/areas/{rural.village.pk}/map/").content.decode()
    assert map_page.count('class="door map-') == 9
    assert "1组" in map_page and "2组" in map_page and "村委会" in map_page
    # No floor rows (a floor heading is "<th scope=\"row\">1F</th>"; "1F" alone also matches a CSRF token).
    assert "walk-up" not in map_page and '<th scope="row">1F</th>' not in map_page
    one = house(rural.village, "1组", "1号")
    assert f'href="/households/{one.pk}/"' in map_page
    household_page = client.get(f"/households/{one.pk}/")
    assert household_page.status_code == 200 and "1号" in household_page.content.decode()
    client.force_login(rural.group_leader)
    assert client.get(f"/areas/{rural.village.pk}/map/").status_code == 404


def test_a_village_registers_itself_online_by_group_and_house(client, rural):
    """The village's own QR code: the form lists its groups (and its houses in no group), a group
    lists its houses, and a family's form lands on the house chosen."""
    from firstline.areas.services import area_public_token_ensure
    from firstline.registration.models import SelfRegistration

    client.force_login(rural.village_user)
    assert (
        f'href="/areas/{rural.village.pk}/registration-poster/"'
        in client.get(f"/areas/{rural.village.pk}/").content.decode()
    )
    assert client.get(f"/areas/{rural.village.pk}/registration-poster/").status_code == 200
    client.logout()
    token = area_public_token_ensure(acting_user=rural.village_user, compound=rural.village)
    form = client.get(f"/r/{token}/").content.decode()
    assert "Village group" in form and f'<option value="{rural.group1.pk}">1组</option>' in form
    assert f'<option value="{rural.village.pk}">Houses in no group</option>' in form
    doors = client.get(f"/r/{token}/doors/", {"building": rural.group1.pk}).content.decode()
    assert doors.count("<option") == 4 and "3号" in doors
    loose = client.get(f"/r/{token}/doors/", {"building": rural.village.pk}).content.decode()
    assert f'<option value="{rural.committee_house.pk}">' in loose and loose.count("<option") == 1
    target = house(rural.village, "1组", "3号")
    response = client.post(
        f"/r/{token}/",
        {
            "submission_key": "village-form-0123456789ab",
            "household": target.pk,
            "contact_phone": "13934561299",
            "m-0-name": "王秀英",
            "m-0-relation": "head",
        },
        REMOTE_ADDR="10.9.0.1",
    )
    assert response.status_code == 200
    submission = SelfRegistration.objects.get()
    assert submission.household == target
    assert f'<strong data-testid="reference">{submission.pk}</strong>' in response.content.decode()


def test_a_village_map_costs_the_queries_of_a_building_map_whatever_its_size(client, rural):
    from firstline.areas.services import village_create
    from tests.queries import assert_queries, queries

    client.force_login(rural.county_user)
    with queries() as small:
        assert client.get(f"/areas/{rural.village.pk}/map/").status_code == 200
    big = village_create(
        acting_user=rural.county_user, parent=rural.township, name="大村", groups=12, houses_per_group=60
    )
    with assert_queries(small):
        page = client.get(f"/areas/{big.pk}/map/")
    assert page.content.decode().count('class="door map-') == 720
