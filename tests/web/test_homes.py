"""The "today" home of each role: what it shows of the day's work, and that it costs a fixed number of
queries whatever the number of buildings, doors and people (firstline.testing.today)."""

import re

import pytest

from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.people.services import person_register, person_set_vulnerabilities
from firstline.testing.capture.services import scans_record
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import TubeResult
from firstline.testing.transport import services as transport
from tests.conftest import make_user
from tests.factories.accounts import GrantFactory
from tests.factories.areas import BuildingFactory
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries, queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _sample(world, residents, round_, point, tube, people):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def _more_buildings(world, n=3):
    """More buildings, doors and residents under the compound: the home must not cost more for them."""
    for i in range(n):
        building = BuildingFactory(
            acting_user=world.staff,
            compound=world.p1,
            name=f"{20 + i}号楼",
            units=2,
            floors=3,
            doors_per_floor=2,
            has_lift=False,
        )
        for door in Area.objects.filter(path__startswith=building.path, kind=AreaKind.HOUSEHOLD)[:4]:
            person_register(acting_user=world.staff, household=door, data={"name": f"新住户{door.pk}"})


def test_staff_see_the_open_rounds_coverage_next_wave_and_positives(client, world, residents, round_, point):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    box = BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    transport.box_receive(acting_user=world.lab, box=box, counted=1)
    results_report(
        acting_user=world.lab,
        source=TubeResult.Source.MANUAL,
        results=[ResultIn(tube_code="TG0000001", result="positive")],
    )
    client.force_login(world.staff)
    page = _text(client.get("/"))
    assert '<span class="stat-n" data-testid="today-sampled">10</span>' in page
    assert '<span class="stat-n" data-testid="today-expected">14</span>' in page
    assert '<span class="stat-n" data-testid="today-missing">4</span>' in page
    assert 'role="progressbar"' in page and 'aria-valuenow="10"' in page and 'aria-valuemax="14"' in page
    # The areas with the most missing, each a link to its missing list.
    assert re.search(
        rf'<a href="/testing/rounds/{round_.pk}/missing/{world.b1.pk}/" '
        r'data-testid="today-missing-link">1号楼</a> · 2 missing',
        page,
    )
    assert f'href="/testing/rounds/{round_.pk}/coverage/{world.p1.pk}/"' in page
    # The next call-down wave of the point, with a link to the call-down page.
    assert f'href="/testing/rounds/{round_.pk}/calldowns/{point.pk}/"' in page
    assert "东门采样点" in page
    # The positive pool waits for its ten single re-samples.
    assert '<span class="badge badge-danger" data-testid="today-positives">1 positive pool</span>' in page
    assert "10 people wait for a re-sample" in page
    assert f'href="/testing/rounds/{round_.pk}/positives/"' in page
    with queries() as few:
        client.get("/")
    _more_buildings(world)
    with assert_queries(few):
        page = _text(client.get("/"))
    assert '<span class="stat-n" data-testid="today-expected">26</span>' in page


def test_a_building_leader_sees_each_building_and_a_unit_leader_their_unit_named_with_its_building(
    client, world, residents, round_, point
):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    client.force_login(world.leader)
    page = _text(client.get("/"))
    assert page.count('data-testid="led-area"') == 2
    assert re.search(r'<h3><a href="/areas/\d+/">1号楼</a></h3>.*?data-testid="led-missing">2</span>', page)
    assert re.search(r'<h3><a href="/areas/\d+/">2号楼</a></h3>.*?data-testid="led-missing">2</span>', page)
    assert f'href="/testing/rounds/{round_.pk}/missing/{world.b1.pk}/" data-testid="led-missing-link"' in page
    assert "10/12" in page and "0/2" in page
    unit = Area.objects.get(parent=world.b1, name="Unit 1")
    unit_leader = make_user("unitleader", Role.BUILDING_LEADER, unit)
    client.force_login(unit_leader)
    page = _text(client.get("/"))
    assert f'<h3><a href="/areas/{unit.pk}/">1号楼 Unit 1</a></h3>' in page
    assert 'data-testid="led-missing">2</span>' in page
    assert f'href="/testing/rounds/{round_.pk}/missing/{unit.pk}/"' in page
    with queries() as few:
        client.get("/")
    GrantFactory(
        user=unit_leader, role=Role.BUILDING_LEADER, area=Area.objects.get(parent=world.b1, name="Unit 2")
    )
    _more_buildings(world)
    with assert_queries(few):
        page = _text(client.get("/"))
    assert page.count('data-testid="led-area"') == 2


def test_a_volunteer_sees_the_desks_and_the_buildings_owed_a_visit_at_the_door(
    client, world, residents, round_, point
):
    Area.objects.filter(pk=world.b2.pk).update(risk_status=RiskStatus.SEALED)
    person_set_vulnerabilities(
        acting_user=world.staff, person=residents.b1[11], tags={"mobility_impaired": {}}
    )
    client.force_login(world.volunteer)
    page = _text(client.get("/"))
    assert 'data-my-desk hidden data-testid="my-desk"' in page
    assert (
        f'href="/testing/rounds/{round_.pk}/desk/?point={point.pk}&amp;desk=2" data-desk-point="{point.pk}" '
        'data-desk-number="2" data-desk-label="东门采样点 · Desk 2">Desk 2</a>'
    ) in page
    tasks = re.search(r'data-testid="door-tasks">(.*?)</ul>', page).group(1)
    assert re.search(
        rf'/testing/rounds/{round_.pk}/door/{world.b2.pk}/"><strong>2号楼</strong></a> '
        r'<span class="badge badge-warn">2 to sample at the door</span>',
        tasks,
    )
    assert re.search(
        rf'/door/{world.b1.pk}/"><strong>1号楼</strong></a> '
        r'<span class="badge badge-warn">1 to sample at the door</span>',
        tasks,
    )
    assert "3号楼" not in tasks
    with queries() as few:
        client.get("/")
    _more_buildings(world)
    Area.objects.filter(name="20号楼").update(risk_status=RiskStatus.SEALED)
    with assert_queries(few):
        page = _text(client.get("/"))
    assert "20号楼" in page


def test_the_round_page_puts_a_volunteers_desks_and_door_to_door_at_the_top(client, world, round_, point):
    client.force_login(world.volunteer)
    page = _text(client.get(f"/testing/rounds/{round_.pk}/"))
    top = page.index('data-testid="my-work"')
    assert top < page.index('id="totals"')
    assert page.index('data-testid="my-door-to-door"') < page.index('id="totals"')
    assert page.index(f'desk/?point={point.pk}&amp;desk=1"') < page.index('id="totals"')
    client.force_login(world.staff)
    assert 'data-testid="my-work"' not in _text(client.get(f"/testing/rounds/{round_.pk}/"))


def test_the_lab_home_is_the_box_receive_scan_not_an_empty_area_list(client, world, round_, point):
    client.force_login(world.lab)
    page = _text(client.get("/"))
    assert "You have no area yet" not in page
    assert '<form method="get" action="/lab/"' in page
    assert 'name="code" autofocus' in page
    assert '<button type="submit" class="primary">Receive</button>' in page
    assert "0 boxes on their way" in page


def test_a_resident_starts_on_their_own_household_not_a_worker_home(client, world):
    client.force_login(world.resident)
    page = _text(client.get("/"))
    assert 'data-testid="resident-door"' in page
    assert "<h1>My areas</h1>" not in page
    assert 'data-testid="today' not in page
