"""The staff pages of a testing round: who may see what, the forms and their errors, and how many
queries the list pages cost."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.common.audit import AuditEntry
from firstline.people.models import Vulnerability
from firstline.people.services import residence_move
from firstline.testing.capture.services import scans_record
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import (
    CallDown,
    Exemption,
    ExemptionReason,
    PoolingRule,
    Round,
    RoundArea,
    RoundStatus,
    SamplingPoint,
)
from firstline.testing.rounds import services
from firstline.testing.transport import services as transport
from tests.conftest import household
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries
from tests.testing.fixtures import DAY, desk_scan

pytestmark = pytest.mark.django_db


def _sample(world, residents, round_, point, tube, people):
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )


def _page(client, url: str) -> None:
    assert client.get(url).status_code == 200


def _text(html: bytes, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}">([^<]*)<', html.decode())


def _rules(round_) -> set:
    return set(
        PoolingRule.objects.filter(round=round_).values_list(
            "risk_status", "area_id", "capacity", "per_household"
        )
    )


def test_pages_answer_404_outside_the_users_areas(client, world, residents, round_, point):
    base = f"/testing/rounds/{round_.pk}"
    pages = [
        f"{base}/",
        f"{base}/coverage/{world.p1.pk}/",
        f"{base}/missing/{world.p1.pk}/",
        f"{base}/calldowns/{point.pk}/",
        f"{base}/positives/",
        f"{base}/tubes/",
        f"{base}/export/{world.p1.pk}/",
        f"/testing/points/{point.pk}/",
    ]
    client.force_login(world.outsider)
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert "第一轮全员核酸" not in client.get("/testing/").content.decode()
    # The lab sees tubes and boxes, never people: no round page, no coverage.
    client.force_login(world.lab)
    assert [client.get(url).status_code for url in pages[:3]] == [404, 404, 404]
    # A leader sees their buildings, not the compound, its call-downs or its points.
    client.force_login(world.leader)
    assert [client.get(url).status_code for url in (f"{base}/", f"{base}/coverage/{world.b1.pk}/")] == [
        200,
        200,
    ]
    assert [
        client.get(url).status_code
        for url in (
            f"{base}/coverage/{world.p1.pk}/",
            f"{base}/calldowns/{point.pk}/",
            f"/testing/points/{point.pk}/",
            f"{base}/coverage/{world.b9.pk}/",
        )
    ] == [404] * 4
    # An area of the user's that the round does not test.
    other = services.round_create(
        acting_user=world.staff, area=world.c1, name="二号楼专场", date=DAY, scope=[world.b2]
    )
    client.force_login(world.staff)
    assert client.get(f"/testing/rounds/{other.pk}/coverage/{world.b1.pk}/").status_code == 404


def test_staff_plans_a_round_and_a_bad_date_changes_nothing(client, world):
    client.force_login(world.staff)
    page = client.get("/testing/").content.decode()
    assert f'<option value="{world.c1.pk}">C1社区</option>' in page
    assert "C2社区" not in page
    response = client.post(
        "/testing/", {"area": world.c1.pk, "name": "第二轮", "date": "4月5日", "scope": [world.b1.pk]}
    )
    assert response.status_code == 422
    assert 'data-field="date">A date such as 2022-04-04.<' in response.content.decode()
    assert Round.objects.count() == 0
    response = client.post(
        "/testing/",
        {
            "area": world.c1.pk,
            "name": "第二轮",
            "date": "2022-04-05",
            "scope": [world.b1.pk, world.b2.pk],
            "starts_at": "2022-04-05T06:00",
            "ends_at": "2022-04-05T05:00",
        },
    )
    assert 'data-field="ends_at">The round must end after it starts.<' in response.content.decode()
    assert Round.objects.count() == 0
    response = client.post(
        "/testing/",
        {
            "area": world.c1.pk,
            "name": "第二轮",
            "date": "2022-04-05",
            "scope": [world.b1.pk, world.b2.pk],
            "starts_at": "2022-04-05T06:00",
        },
    )
    round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/rounds/{round_.pk}/"
    assert (round_.name, str(round_.date), round_.status, round_.area) == (
        "第二轮",
        "2022-04-05",
        RoundStatus.PLANNED,
        world.c1,
    )
    assert sorted(RoundArea.objects.filter(round=round_).values_list("area__name", flat=True)) == [
        "1号楼",
        "2号楼",
    ]
    # Opening it: the volunteer may not (nothing changes), the staff may.
    client.force_login(world.volunteer)
    client.post(f"/testing/rounds/{round_.pk}/status/", {"status": "open"})
    assert Round.objects.get().status == RoundStatus.PLANNED
    client.force_login(world.staff)
    client.post(f"/testing/rounds/{round_.pk}/status/", {"status": "open"})
    assert Round.objects.get().status == RoundStatus.OPEN


def test_a_leader_may_not_plan_a_round(client, world):
    client.force_login(world.leader)
    assert "Plan a round" not in client.get("/testing/").content.decode()
    response = client.post("/testing/", {"area": world.b1.pk, "name": "楼内", "date": "2022-04-05"})
    assert response.status_code == 403
    assert 'data-field="general">You may not plan testing rounds.<' in response.content.decode()
    # Staff may plan, but only in their own areas.
    client.force_login(world.staff)
    response = client.post("/testing/", {"area": world.c2.pk, "name": "越界", "date": "2022-04-05"})
    assert response.status_code == 422
    assert 'data-field="area">Choose the area the round belongs to.<' in response.content.decode()
    response = client.post(
        "/testing/", {"area": world.c1.pk, "name": "越界", "date": "2022-04-05", "scope": [world.b9.pk]}
    )
    assert 'data-field="scope">Some of the areas chosen are not yours to test.<' in response.content.decode()
    assert Round.objects.count() == 0


def test_pooling_rules_a_bad_capacity_is_a_field_error_and_changes_nothing(client, world, round_):
    before = _rules(round_)
    client.force_login(world.staff)
    form = {
        "capacity_sealed": "1",
        "capacity_controlled": "10",
        "capacity_precaution": "20",
        "capacity_normal": "7",
        "override_count": "1",
        "override-0-area": str(world.b2.pk),
        "override-0-capacity": "5",
    }
    response = client.post(f"/testing/rounds/{round_.pk}/pooling/", form)
    assert response.status_code == 422
    assert 'data-field="capacity_normal">A tube takes 1, 5, 10 or 20 people.<' in response.content.decode()
    assert _rules(round_) == before
    # A volunteer's rules are refused and change nothing either.
    client.force_login(world.volunteer)
    assert (
        client.post(f"/testing/rounds/{round_.pk}/pooling/", {**form, "capacity_normal": "5"}).status_code
        == 403
    )
    assert _rules(round_) == before
    client.force_login(world.staff)
    response = client.post(
        f"/testing/rounds/{round_.pk}/pooling/", {**form, "capacity_normal": "5", "per_household_sealed": "1"}
    )
    assert response.status_code == 302
    assert _rules(round_) == {
        ("sealed", None, 1, True),
        ("controlled", None, 10, False),
        ("precaution", None, 20, False),
        ("normal", None, 5, False),
        ("", world.b2.pk, 5, False),
    }
    page = client.get(f"/testing/rounds/{round_.pk}/").content.decode()
    assert f'<option value="{world.b2.pk}" selected>2号楼</option>' in page
    # Removing the override keeps the rest.
    client.post(
        f"/testing/rounds/{round_.pk}/pooling/", {**form, "capacity_normal": "5", "override-0-remove": "1"}
    )
    assert {r[1] for r in _rules(round_)} == {None}


def test_a_point_is_added_with_a_field_error_first_then_edited(client, world, round_):
    client.force_login(world.staff)
    url = f"/testing/rounds/{round_.pk}/points/"
    values = {
        "compound": world.p1.pk,
        "name": "西门采样点",
        "desks": "0",
        "opens_at": "06:00",
        "closes_at": "12:00",
        "per_desk_hour": "120",
        "queue_cap": "40",
        "serves": [world.b1.pk],
    }
    response = client.post(url, values)
    assert response.status_code == 422
    assert 'data-field="desks">A whole number from 1 to 50.<' in response.content.decode()
    assert SamplingPoint.objects.count() == 0
    assert client.post(url, {**values, "desks": "3"}).status_code == 302
    point = SamplingPoint.objects.get()
    assert (point.name, point.desks, list(point.serves.values_list("name", flat=True))) == (
        "西门采样点",
        3,
        ["1号楼"],
    )
    page = client.get(f"/testing/rounds/{round_.pk}/").content.decode()
    assert [
        f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&amp;desk={d}" in page for d in (1, 2, 3)
    ] == [True] * 3
    response = client.post(
        f"/testing/points/{point.pk}/",
        {**values, "desks": "4", "closes_at": "05:00", "round": round_.pk, "is_active": "1"},
    )
    assert 'data-field="closes_at">The point must close after it opens.<' in response.content.decode()
    response = client.post(
        f"/testing/points/{point.pk}/",
        {**values, "desks": "4", "serves": [], "round": round_.pk, "is_active": "1"},
    )
    assert response["Location"] == f"/testing/rounds/{round_.pk}/#points"
    point.refresh_from_db()
    assert (point.desks, point.serves.count(), point.is_active) == (4, 0, True)


def test_coverage_page_shows_numbers_per_child_and_the_building_map(client, world, residents, round_, point):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:5])
    _sample(world, residents, round_, point, "TG0000002", [residents.outside])
    coverage_services.exemption_set(
        acting_user=world.leader, round=round_, person=residents.b1[5], reason=ExemptionReason.HOSPITAL
    )
    client.force_login(world.staff)
    page = client.get(f"/testing/rounds/{round_.pk}/coverage/{world.p1.pk}/").content
    assert [_text(page, key) for key in ("expected", "sampled", "exempt", "missing", "outside")] == [
        ["14"],
        ["5"],
        ["1"],
        ["8"],
        ["1"],
    ]
    assert _text(page, "cov-figures") == [
        "5 sampled · 1 exempt · 6 missing · of 12",
        "0 sampled · 0 exempt · 2 missing · of 2",
        "0 sampled · 0 exempt · 0 missing · of 0",
    ]
    # The building: a cell per door, coloured by its people's state.
    page = client.get(f"/testing/rounds/{round_.pk}/coverage/{world.b1.pk}/").content.decode()
    assert page.count('class="door rd-') == 24
    # 101, 102 sampled; 201 sampled and exempt (waiting for the lab); 202, 301, 302 nobody yet; the other 18
    # empty.
    assert [
        page.count(f'class="door rd-{status}"')
        for status in ("pending", "partial", "missing", "done", "empty")
    ] == [3, 0, 3, 0, 18]
    assert 'data-testid="doors-missing">3<' in page
    # The live fragment alone, as htmx asks for it every 15 seconds: the inside of the block, which
    # stays on the page (so that it never misses the event asking it to refresh).
    fragment = client.get(
        f"/testing/rounds/{round_.pk}/coverage/{world.b1.pk}/?part=live", HTTP_HX_REQUEST="true"
    ).content
    assert 'id="coverage-live"' not in fragment.decode() and _text(fragment, "missing") == ["6"]
    assert page.count('<div id="coverage-live"') == 1


def test_coverage_and_missing_pages_cost_a_fixed_number_of_queries(client, world, residents, round_, point):
    client.force_login(world.staff)
    coverage_p1 = f"/testing/rounds/{round_.pk}/coverage/{world.p1.pk}/"
    coverage_b1 = f"/testing/rounds/{round_.pk}/coverage/{world.b1.pk}/"
    missing_p1 = f"/testing/rounds/{round_.pk}/missing/{world.p1.pk}/"
    for url, count in ((coverage_p1, 10), (coverage_b1, 27), (missing_p1, 16)):
        with assert_queries(count):
            _page(client, url)
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:3])
    for person in residents.b1[3:8]:
        Vulnerability.objects.create(person=person, tag="mobility_impaired")
    for person in residents.b1[8:10] + residents.b2:
        coverage_services.exemption_set(
            acting_user=world.staff, round=round_, person=person, reason=ExemptionReason.AWAY
        )
    for url, count in ((coverage_p1, 10), (coverage_b1, 27), (missing_p1, 16)):
        with assert_queries(count):
            _page(client, url)


def test_rounds_page_costs_the_same_for_one_round_or_three(client, world, residents, round_, point):
    client.force_login(world.staff)
    with assert_queries(7) as one:
        _page(client, "/testing/")
    for name in ("第二轮", "第三轮"):
        services.round_create(acting_user=world.staff, area=world.c1, name=name, date=DAY, scope=[world.b1])
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:4])
    with assert_queries(one):
        _page(client, "/testing/")
    page = client.get("/testing/").content
    assert _text(page, "round-done") == [
        "0 of 12 sampled or exempt · 12 missing",
        "0 of 12 sampled or exempt · 12 missing",
        "4 of 14 sampled or exempt · 10 missing",
    ]
    # From an area's page: the rounds that test it, each with a link to its coverage there.
    page = client.get(f"/testing/?area={world.b2.pk}").content.decode()
    assert (
        page.count('data-testid="round-row"') == 1
        and f"/testing/rounds/{round_.pk}/coverage/{world.b2.pk}/" in page
    )


def test_missing_list_by_door_and_exemptions_inline(client, world, residents, round_, point):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    Vulnerability.objects.create(person=residents.b1[10], tag="mobility_impaired")
    client.force_login(world.leader)
    url = f"/testing/rounds/{round_.pk}/missing/{world.b1.pk}/"
    page = client.get(url).content.decode()
    assert re.findall(r'<strong class="name">([^<]*)</strong>', page) == ["居民32甲", "居民32乙"]
    assert "Mobility-impaired" in page
    person = residents.b1[10]
    # "Other" without words: a field error in the row, nothing recorded.
    response = client.post(
        f"/testing/rounds/{round_.pk}/exemptions/",
        {"person": person.pk, "area": world.b1.pk, "reason": "other", "note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert 'data-field="note">Say what the other reason is.<' in response.content.decode()
    assert Exemption.objects.count() == 0
    # The row asks first (nothing written), then exempts when confirmed.
    ask = {"person": person.pk, "area": world.b1.pk, "reason": "other", "note": "住院陪护"}
    response = client.post(f"/testing/rounds/{round_.pk}/exemptions/", ask, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and Exemption.objects.count() == 0
    assert 'data-testid="exempt-confirm"' in response.content.decode()
    response = client.post(
        f"/testing/rounds/{round_.pk}/exemptions/", {**ask, "confirm": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response["HX-Trigger-After-Swap"] == "exemptions-changed"
    assert f'id="miss-{person.pk}" hidden' in response.content.decode()
    assert list(Exemption.objects.values_list("person_id", "reason", "note")) == [
        (person.pk, "other", "住院陪护")
    ]
    totals = client.get(
        f"/testing/rounds/{round_.pk}/coverage/{world.b1.pk}/?part=totals", HTTP_HX_REQUEST="true"
    ).content
    assert [_text(totals, key) for key in ("exempt", "missing")] == [["1"], ["1"]]
    exempt = client.get(f"{url}?part=exempt", HTTP_HX_REQUEST="true").content.decode()
    assert exempt.count('data-testid="exempt-row"') == 1
    # A volunteer may look but not exempt; a person outside the user's areas is not found.
    client.force_login(world.volunteer)
    assert 'data-testid="exempt-open"' not in client.get(url).content.decode()
    response = client.post(
        f"/testing/rounds/{round_.pk}/exemptions/", {"person": residents.b1[11].pk, "reason": "away"}
    )
    assert response.status_code == 403 and Exemption.objects.count() == 1
    assert "Your role does not allow you to record why a person is not sampled." in response.content.decode()
    client.force_login(world.leader)
    assert (
        client.post(
            f"/testing/rounds/{round_.pk}/exemptions/", {"person": residents.outside.pk, "reason": "away"}
        ).status_code
        == 404
    )
    # Removing the exemption: the person is expected again.
    exemption = Exemption.objects.get()
    client.force_login(world.volunteer)
    client.post(f"/testing/exemptions/{exemption.pk}/remove/")
    assert Exemption.objects.count() == 1
    client.force_login(world.leader)
    response = client.post(f"/testing/exemptions/{exemption.pk}/remove/", {"next": url})
    assert response["Location"] == url and Exemption.objects.count() == 0


def test_call_down_page_shows_the_wave_and_call_now_records_it(client, world, residents, round_, point):
    url = f"/testing/rounds/{round_.pk}/calldowns/{point.pk}/"
    client.force_login(world.staff)
    page = client.get(url).content
    assert _text(page, "wave-labels") == ["1号楼 Unit 1, 2号楼 Unit 1"]
    message = re.findall(r'data-testid="wave-message"[^>]*>([^<]*)<', page.decode())[0]
    assert message.startswith(
        "[Testing] Residents of 1号楼 Unit 1, 2号楼 Unit 1: please come down now to 东门采样点 (东门广场)"
    )
    assert (_text(page, "rate-planned"), _text(page, "rate-used")) == (["240"], ["240"])
    unit1 = Area.objects.get(parent=world.b1, name="Unit 1")
    unit_b2 = Area.objects.get(parent=world.b2, kind=AreaKind.UNIT)
    client.force_login(world.volunteer)
    assert client.get(url).status_code == 200
    client.post(url, {"stairwell": [unit1.pk, unit_b2.pk], "people": "14"})
    assert CallDown.objects.count() == 0
    client.force_login(world.staff)
    assert client.post(url, {"stairwell": [unit1.pk, unit_b2.pk], "people": "14"})["Location"] == url
    call = CallDown.objects.get()
    assert (sorted(call.stairwells.values_list("pk", flat=True)), call.people_expected, call.called_by) == (
        sorted([unit1.pk, unit_b2.pk]),
        14,
        world.staff,
    )
    page = client.get(url).content.decode()
    assert 'data-testid="no-wave"' in page and page.count('data-testid="called"') == 1
    assert "14 still to come down" in page


def test_positives_list_their_people_and_sealing_needs_the_right(client, world, residents, round_, point):
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
    results_report(acting_user=world.lab, source="manual", results=[ResultIn("TG0000001", "阳性")])
    url = f"/testing/rounds/{round_.pk}/positives/"
    tube_pk = round_.tubes.get().pk
    # A volunteer of the compound sees the pool and its people but may not seal: nothing changes.
    client.force_login(world.volunteer)
    page = client.get(url).content.decode()
    assert page.count('data-testid="positive-person"') == 10 and "Seal units" not in page
    client.post(f"/testing/tubes/{tube_pk}/seal/", {"level": "unit"})
    assert Area.objects.filter(risk_status=RiskStatus.SEALED).count() == 0
    # A building leader is told where to re-sample, door to door.
    client.force_login(world.leader)
    page = client.get(url).content.decode()
    assert (
        page.count('data-testid="resample-building"') == 1
        and f"/testing/rounds/{round_.pk}/door/{world.b1.pk}/" in page
    )
    client.force_login(world.staff)
    page = client.get(url).content
    assert re.findall(r'data-testid="positive-person"><span class="name place">([^<]*)<', page.decode()) == [
        p.name for p in residents.b1[:10]
    ]
    assert (page.decode().count(">Seal units</button>"), set(_text(page, "door-risk"))) == (1, {"Normal"})
    assert client.post(f"/testing/tubes/{tube_pk}/seal/", {"level": "unit"})["Location"] == url
    assert list(Area.objects.filter(risk_status=RiskStatus.SEALED).values_list("name", flat=True)) == [
        "Unit 1"
    ]
    assert set(_text(client.get(url).content, "door-risk")) == {"Sealed"}
    client.force_login(world.outsider)
    assert client.post(f"/testing/tubes/{tube_pk}/seal/", {"level": "building"}).status_code == 404


def test_export_is_masked_unless_revealing_is_allowed_and_is_audited(client, world, residents, round_, point):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:2])
    client.force_login(world.staff)
    response = client.get(f"/testing/rounds/{round_.pk}/export/{world.p1.pk}/")
    assert (
        response["Content-Disposition"] == f'attachment; filename="round-{round_.pk}-area-{world.p1.pk}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert [book[name].max_row for name in book.sheetnames] == [3, 13, 1]
    client.force_login(world.leader)
    response = client.get(f"/testing/rounds/{round_.pk}/export/{world.b1.pk}/?unmasked=1")
    assert response.status_code == 403
    assert re.findall(r'<p role="alert">([^<]*)</p>', response.content.decode()) == [
        "Your role does not allow you to export a round&#x27;s list."
    ]
    assert list(
        AuditEntry.objects.filter(action="testing.export").values_list("actor__username", flat=True)
    ) == ["staff"]


def test_tubes_page_filters_and_pages(client, world, residents, round_, point):
    _sample(world, residents, round_, point, "TG0000001", residents.b1[:10])
    _sample(world, residents, round_, point, "TG0000002", residents.b1[10:])
    client.force_login(world.volunteer)
    page = client.get(f"/testing/rounds/{round_.pk}/tubes/").content
    assert _text(page, "total") == ["2 tubes"]
    page = client.get(f"/testing/rounds/{round_.pk}/tubes/?status=open").content.decode()
    assert re.findall(r"<code>([^<]*)</code>", page) == ["TG0000002"]
    page = client.get(f"/testing/rounds/{round_.pk}/tubes/?result=positive").content
    assert _text(page, "total") == ["0 tubes"]


def test_area_page_links_to_testing_coverage_for_testing_staff(client, world, round_):
    client.force_login(world.staff)
    assert f'href="/testing/?area={world.b1.pk}"' in client.get(f"/areas/{world.b1.pk}/").content.decode()
    assert 'href="/testing/">Testing</a>' in client.get("/").content.decode()
    client.force_login(world.resident)
    assert 'href="/testing/">Testing</a>' not in client.get("/").content.decode()


def test_the_person_page_lists_every_swab_with_its_round_place_and_result(
    client, world, residents, round_, point
):
    person = residents.b1[0]
    _sample(world, residents, round_, point, "TG0000001", [person])
    client.force_login(world.leader)
    page = client.get(f"/people/{person.pk}/").content.decode()
    rows = re.findall(r'<tr data-testid="sample">(.*?)</tr>', page, re.S)
    found = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]
    assert (
        len(rows) == 1
        and cells[0] == "第一轮全员核酸"
        and cells[2:] == ["东门采样点", "TG0000001", "Waiting for the result"]
    )
    other = residents.b1[1]
    assert "Not sampled in any round yet." in client.get(f"/people/{other.pk}/").content.decode()


def test_the_person_page_of_someone_who_moved_away_shows_the_swabs_taken_here_only(
    client, world, residents, round_, point
):
    person = residents.b1[0]
    _sample(world, residents, round_, point, "TG0000001", [person])
    residence_move(
        acting_user=world.coordinator,
        person=person,
        to_household=household(world.b9, "102"),
        relation="head",
        status="resident",
        date=dt.date(2022, 4, 5),
    )
    second = services.round_create(acting_user=world.coordinator, area=world.street, name="第二轮", date=DAY)
    services.round_set_status(acting_user=world.coordinator, round=second, status=RoundStatus.OPEN)
    scans_record(
        acting_user=world.coordinator,
        round=second,
        scans=[desk_scan(point, "TG0000002", residents.codes[person.pk])],
    )
    client.force_login(world.leader)  # 1号楼's leader: the old home is theirs, the new one is not
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-testid="sample">(.*?)</tr>', page.content.decode(), re.S)
    tubes = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3] for row in rows]
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in tubes] == ["TG0000001"]
