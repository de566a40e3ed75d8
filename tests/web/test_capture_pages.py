"""The capture pages read by the Django client: who may open them, what the door page embeds for
offline work, the finder, the service worker, and what a page costs in queries."""

import json
import posixpath
import re
import uuid

import pytest
from django.contrib.staticfiles import finders

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.people import services as people_services
from firstline.people.models import VulnerabilityTag
from firstline.testing.capture import selectors
from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.models import ResampleTask, RoundStatus, Sample
from firstline.testing.rounds import services
from firstline.web.views.capture import CAPTURE_ASSETS
from tests.conftest import household
from tests.factories.areas import BuildingFactory
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def _page(client, url: str, form: dict | None = None) -> None:
    assert (client.post(url, form) if form is not None else client.get(url)).status_code == 200


def _embedded(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    data = json.loads(match.group(1))
    if element_id == "capture-doors":  # short arrays, as capture/page.js expands them
        doors = [dict(zip(data["door_fields"], row, strict=True)) for row in data["doors"]]
        for door in doors:
            door["people"] = [dict(zip(data["person_fields"], row, strict=True)) for row in door["people"]]
            for person in door["people"]:
                person["immobile"], person["to_sample"] = bool(person["flags"] & 1), bool(person["flags"] & 2)
        data = {**data, "doors": doors}
    return data


def test_rights_lab_and_outsider_get_404_on_every_capture_page(client, world, residents, round_, point):
    pages = [
        f"/testing/rounds/{round_.pk}/desk/",
        f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1",
        f"/testing/rounds/{round_.pk}/door/",
        f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/",
    ]
    for user in (world.lab, world.outsider, world.resident):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(f"/testing/rounds/{round_.pk}/find/", {"q": "居民"}).status_code == 404, (
            user.username
        )
    client.force_login(world.leader)
    # A leader registers door to door in their buildings only, and never at a point of the compound.
    assert client.get(f"/testing/rounds/{round_.pk}/door/{world.b3.pk}/").status_code == 404
    assert client.get(f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1").status_code == 404
    page = client.get(f"/testing/rounds/{round_.pk}/desk/").content.decode()
    assert 'data-testid="no-points"' in page and 'data-testid="point"' not in page
    client.force_login(world.volunteer)
    assert client.get(f"/testing/rounds/{round_.pk}/door/{world.b9.pk}/").status_code == 404
    assert client.get(f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=3").status_code == 302
    client.logout()
    assert client.get(f"/testing/rounds/{round_.pk}/desk/").status_code == 302
    assert Sample.objects.count() == 0


def test_desk_lists_the_points_then_opens_a_desk_with_its_settings(client, world, round_, point):
    client.force_login(world.volunteer)
    page = client.get(f"/testing/rounds/{round_.pk}/desk/").content.decode()
    assert page.count('class="button primary cap-desk-link"') == 2
    assert f'href="/testing/rounds/{round_.pk}/desk/?point={point.pk}&amp;desk=2"' in page
    response = client.get(f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=2")
    config = _embedded(response.content.decode(), "capture-config")
    assert {
        key: config[key]
        for key in (
            "mode",
            "context",
            "round_id",
            "round_open",
            "user_id",
            "batch_url",
            "capacity",
            "per_household",
            "point_id",
            "desk",
            "sw_url",
            "sw_scope",
        )
    } == {
        "mode": "desk",
        "context": f"desk:{point.pk}:2",
        "round_id": round_.pk,
        "round_open": True,
        "user_id": world.volunteer.pk,
        "batch_url": f"/api/v1/testing/rounds/{round_.pk}/scans/batch",
        "capacity": 10,
        "per_household": False,
        "point_id": point.pk,
        "desk": 2,
        "sw_url": "/testing/sw.js",
        "sw_scope": "/testing/",
    }
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert '<input id="cap-scan" name="scan" autofocus' in html
    assert "firstline/capture.js" in html and "firstline/capture.css" in html
    assert '<script type="module" src="/static/firstline/capture.js"></script>' in html
    rules = _embedded(html, "capture-rules")
    assert (rules["default"], rules["households"], rules["resample"]) == (
        {"capacity": 10, "per_household": False},
        {},
        {"capacity": 1},
    )
    services.round_set_status(acting_user=world.staff, round=round_, status=RoundStatus.CLOSED)
    html = client.get(f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=2").content.decode()
    assert _embedded(html, "capture-config")["round_open"] is False
    assert (
        '<p class="cap-alert" role="alert">This round is not open (Closed): new scans are refused.</p>'
        in html
    )


def test_door_page_embeds_the_building_floor_by_floor_for_offline_work(
    client, world, residents, round_, point
):
    immobile = residents.b1[4]  # 居民21甲, floor 2
    people_services.person_set_vulnerabilities(
        acting_user=world.staff, person=immobile, tags={VulnerabilityTag.MOBILITY_IMPAIRED: {}}
    )
    area_set_risk(
        acting_user=world.staff, area=household(world.b1, "301"), status=RiskStatus.SEALED, reason="阳性密接"
    )
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[residents.b1[5].pk])],
    )
    client.force_login(world.leader)
    html = client.get(f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/").content.decode()
    data = _embedded(html, "capture-doors")
    assert data["building"] == {"id": world.b1.pk, "name": "1号楼"}
    # Doors that need a visit: 201 (someone who cannot come down) and 301 (sealed), bottom up.
    assert [(d["door"], d["floor"], d["sealed"], d["capacity"]) for d in data["doors"]] == [
        ("201", 2, 0, 10),
        ("301", 3, 1, 1),
    ]
    assert data["wells"] == ["Unit 1"] and {d["well"] for d in data["doors"]} == {0}
    assert [
        (p["name"], p["state"], p["immobile"], p["to_sample"], p["tube"]) for p in data["doors"][0]["people"]
    ] == [("居民21甲", "missing", True, True, ""), ("居民21乙", "pending", False, False, "TG0000001")]
    # The doors are written by the page's script from the data: no markup per person.
    assert 'data-testid="door"' not in html and 'id="cap-doors"' in html
    assert "居民21甲" not in html.replace(json.dumps("居民21甲", ensure_ascii=False), "")
    config = _embedded(html, "capture-config")
    assert (config["mode"], config["context"], config["building_id"], config["capacity"]) == (
        "door",
        "door",
        world.b1.pk,
        10,
    )
    rules = _embedded(html, "capture-rules")
    assert rules["default"] == {"capacity": 10, "per_household": False}
    assert rules["households"] == {
        str(d["id"]): {"capacity": d["capacity"], "per_household": d["per_household"]} for d in data["doors"]
    }
    assert rules["households"][str(household(world.b1, "301").pk)] == {"capacity": 1, "per_household": False}
    everyone = _embedded(
        client.get(f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1").content.decode(),
        "capture-doors",
    )
    assert [d["door"] for d in everyone["doors"]] == ["101", "102", "201", "202", "301", "302"]
    assert sum(p["to_sample"] for d in everyone["doors"] for p in d["people"]) == 11


def test_door_buildings_count_as_the_door_to_door_list_does(client, world, residents, round_, point):
    area_set_risk(
        acting_user=world.staff, area=household(world.b1, "301"), status=RiskStatus.SEALED, reason="阳性密接"
    )
    first = scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:3]],
    )
    sample = Sample.objects.get(pk=first[0].people[0].sample_id)
    ResampleTask.objects.create(
        round=round_,
        person=sample.person,
        household_id=sample.household_id,
        household_path=sample.household_path,
        pool_sample=sample,
    )
    client.force_login(world.leader)
    html = client.get(f"/testing/rounds/{round_.pk}/door/").content.decode()
    rows = selectors.door_to_door_buildings(user=world.leader, round=round_)
    assert [
        (r.building.name, r.doors, r.people, r.visit_doors, r.visit_people, r.resample) for r in rows
    ] == [("1号楼", 6, 10, 2, 3, 1), ("2号楼", 2, 2, 0, 0, 0)]
    for row in rows:
        plan = selectors.door_to_door_list(user=world.leader, round=round_, building=row.building)
        every = selectors.door_to_door_list(
            user=world.leader, round=round_, building=row.building, everyone=True
        )
        assert (row.visit_doors, row.visit_people) == (
            len(plan.doors),
            sum(len(d.to_sample) for d in plan.doors),
        )
        assert (row.doors, row.people) == (len(every.doors), sum(len(d.to_sample) for d in every.doors))
    assert html.count('data-testid="building"') == 2
    assert '<strong data-testid="visit">2 doors to visit (3 people)</strong>' in html
    assert _embedded(html, "capture-offline-urls") == [
        f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/",
        f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1",
        f"/testing/rounds/{round_.pk}/door/{world.b2.pk}/",
        f"/testing/rounds/{round_.pk}/door/{world.b2.pk}/?everyone=1",
    ]


def test_finder_shows_people_in_scope_with_their_state(client, world, residents, round_, point):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[residents.b1[0].pk])],
    )
    client.force_login(world.volunteer)
    html = client.post(f"/testing/rounds/{round_.pk}/find/", {"q": "1-101"}).content.decode()
    assert re.findall(r'data-name="([^"]+)"', html) == ["居民11乙", "居民11甲"]
    assert html.count(' disabled data-testid="found-person"') == 1
    assert "Sampled · TG0000001" in html
    html = client.post(f"/testing/rounds/{round_.pk}/find/", {"q": "外小区人"}).content.decode()
    assert "Nobody found in your areas." in html
    assert client.post(f"/testing/rounds/{round_.pk}/find/", {"q": ""}).content.decode().strip() == ""
    # Posted only: a query never travels in the address.
    assert client.get(f"/testing/rounds/{round_.pk}/find/", {"q": "1-101"}).status_code == 405


def test_service_worker_is_javascript_with_the_assets_to_keep(client, world):
    response = client.get("/testing/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert (
        'const ASSETS = ["/static/firstline/firstline.css", "/static/firstline/htmx.min.js", '
        '"/static/firstline/firstline.js", '
        '"/static/firstline/capture.css", "/static/firstline/capture.js", '
        '"/static/firstline/capture/camera.js", '
        '"/static/firstline/capture/desk.js", "/static/firstline/capture/door.js", '
        '"/static/firstline/capture/feedback.js", '
        '"/static/firstline/capture/list.js", "/static/firstline/capture/offline.js", '
        '"/static/firstline/capture/page.js", '
        '"/static/firstline/capture/queue.js", "/static/firstline/capture/rules.js", '
        '"/static/firstline/capture/tube.js"];'
    ) in body
    # The camera's decoder, for phones without BarcodeDetector: kept once fetched, not at install.
    assert 'const LAZY_ASSETS = ["/static/firstline/vendor/zxing/zxing.min.js"];' in body
    assert re.search(r'const ASSET_CACHE = "firstline-capture-assets-[0-9a-f]{12}";', body)


def test_the_service_worker_keeps_every_module_the_capture_script_imports():
    """A module the worker does not keep is a page without its script offline: follow the imports."""
    wanted, seen = ["firstline/capture.js"], set()
    while wanted:
        name = wanted.pop()
        seen.add(name)
        with open(finders.find(name), encoding="utf-8") as handle:
            for target in re.findall(
                r'^(?:import|export)\b[^;]*?\bfrom "(\./[^"]+)";', handle.read(), re.M | re.S
            ):
                found = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                if found not in seen:
                    wanted.append(found)
    assert sorted(name for name in CAPTURE_ASSETS if name.endswith(".js") and "capture" in name) == sorted(
        seen
    )
    assert len(seen) == 11


def test_capture_pages_cost_the_same_queries_for_a_bigger_building(client, world, residents, round_, point):
    client.force_login(world.staff)
    with queries() as small:
        _page(client, f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1")
    big = BuildingFactory(
        acting_user=world.staff,
        compound=world.p1,
        name="大楼",
        units=4,
        floors=12,
        doors_per_floor=4,
        has_lift=True,
    )
    for door in ("101", "502", "1204"):
        for name in ("甲", "乙", "丙"):
            PersonFactory(
                acting_user=world.staff,
                household=household(big, door, "Unit 3"),
                name=f"{door}{name}",
                name_only=True,
            )
    with assert_queries(small):
        _page(client, f"/testing/rounds/{round_.pk}/door/{big.pk}/?everyone=1")
    with queries() as buildings:
        _page(client, f"/testing/rounds/{round_.pk}/door/")
    BuildingFactory(
        acting_user=world.staff,
        compound=world.p1,
        name="新楼",
        units=1,
        floors=2,
        doors_per_floor=2,
        has_lift=False,
    )
    with assert_queries(buildings):
        _page(client, f"/testing/rounds/{round_.pk}/door/")
    with assert_queries(8):  # session, user, grants, round, its areas, points, pooling rules, risks
        _page(client, f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1")
    with queries() as finder:
        _page(client, f"/testing/rounds/{round_.pk}/find/", {"q": "居民"})
    scans_record(
        acting_user=world.staff,
        round=round_,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code="TG0000002",
                person_code=residents.codes[p.pk],
                point_id=point.pk,
                desk=1,
            )
            for p in residents.b1[:5]
        ],
    )
    with assert_queries(finder):
        _page(client, f"/testing/rounds/{round_.pk}/find/", {"q": "居民"})


def test_the_door_page_carries_a_person_in_a_few_bytes(client, world, residents, round_):
    """30号楼 on the demo was 410 KB of markup and escaped JSON; the page now holds each door and person
    as a short array that its script expands, so a building of 600 people stays far under 100 KB."""
    client.force_login(world.staff)
    small = len(client.get(f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/?everyone=1").content)
    big = BuildingFactory(
        acting_user=world.staff, compound=world.p1, name="大楼", units=2, floors=6, doors_per_floor=2
    )
    added = 0
    for unit in ("Unit 1", "Unit 2"):
        for floor in range(1, 7):
            for door_no in (1, 2):
                for name in ("甲", "乙"):
                    PersonFactory(
                        acting_user=world.staff,
                        household=household(big, f"{floor}{door_no:02d}", unit),
                        name=f"{unit[-1]}{floor}{door_no}{name}",
                        name_only=True,
                    )
                    added += 1
    page = client.get(f"/testing/rounds/{round_.pk}/door/{big.pk}/?everyone=1").content
    assert page.count("1-11甲".encode()) == 0 and page.count("111甲".encode()) == 1  # once, in the data
    per_person = (len(page) - small) / (added - len(residents.b1))
    assert per_person < 110, per_person
