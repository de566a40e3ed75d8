"""The missing list as a call list (issue 9): blocks by most missing, filters, a tap-to-call that
reveals the phone (audited), an exemption only after a reason is chosen and said back, undone from
the toast with the person back in the list and the counts swapped out of band; the call-down page's
live figures; the round page's figures saying what they count."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from firstline.common.audit import AuditEntry
from firstline.people.models import Person, Vulnerability
from firstline.testing.coverage import services as coverage_services
from firstline.testing.models import Exemption, ExemptionReason
from tests.conftest import household
from tests.queries import assert_queries, queries
from tests.testing.fixtures import _register, fill

pytestmark = pytest.mark.django_db


def _text(html: bytes, testid: str) -> list[str]:
    return [t.strip() for t in re.findall(rf'data-testid="{testid}"[^>]*>([^<]*)<', html.decode())]


def _missing(round_, area) -> str:
    return f"/testing/rounds/{round_.pk}/missing/{area.pk}/"


def test_the_list_shows_blocks_by_most_missing_and_only_the_first_ones_people(
    client, world, residents, round_, point
):
    # 1号楼: 12 people, 3 sampled -> 9 missing; 2号楼: 2 missing, and a third person there.
    fill(world, residents, round_, point, "TG0000001", residents.b1[:3])
    _register(world.staff, household(world.b2, "201"), "二号楼丙")
    client.force_login(world.staff)
    page = client.get(_missing(round_, world.p1)).content
    assert _text(page, "block-count") == ["9", "3"]
    assert _text(page, "missing-total") == ["12 people not sampled yet"]
    html = page.decode()
    # Only the first block's people are on the page; the second loads when opened.
    assert html.count('data-testid="missing-person"') == 9
    assert f"part=block&amp;block={world.b2.pk}" in html
    part = client.get(
        f"{_missing(round_, world.p1)}?part=block&block={world.b2.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert re.findall(r'<strong class="name">([^<]*)</strong>', part) == ["二号楼甲", "二号楼乙", "二号楼丙"]
    # A block not in the list (nobody missing, or not the user's) gives nothing, not another block.
    part = client.get(
        f"{_missing(round_, world.p1)}?part=block&block={world.b3.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="missing-person"' not in part


def test_filters_by_block_vulnerable_and_door(client, world, residents, round_, point):
    Vulnerability.objects.create(person=residents.b1[10], tag="mobility_impaired")
    client.force_login(world.leader)
    url = _missing(round_, world.p1)
    client.force_login(world.staff)
    page = client.get(f"{url}?vulnerable=1").content
    assert _text(page, "block-count") == ["1"] and "居民32甲" in page.decode()
    page = client.get(f"{url}?door=10").content.decode()  # 101, 102 of 1号楼 and 2号楼
    assert re.findall(r'<strong class="name">([^<]*)</strong>', page) == [
        "居民11甲",
        "居民11乙",
        "居民12甲",
        "居民12乙",
    ]
    page = client.get(f"{url}?block={world.b2.pk}").content.decode()
    assert page.count('data-testid="missing-block"') == 1
    assert re.findall(r'<strong class="name">([^<]*)</strong>', page) == ["二号楼甲", "二号楼乙"]
    page = client.get(f"{url}?door=999").content.decode()
    assert "Nobody missing matches" in page


def test_a_block_is_paged_and_the_pages_cost_a_fixed_number_of_queries(
    client, world, residents, round_, point, monkeypatch
):
    from firstline.web.views import testing as views

    monkeypatch.setattr(views, "MISSING_PAGE", 5)
    client.force_login(world.staff)
    url = _missing(round_, world.p1)
    with queries() as few:
        page = client.get(url).content.decode()
    assert page.count('data-testid="missing-person"') == 5 and 'data-testid="missing-more"' in page
    more = client.get(f"{url}?part=block&block={world.b1.pk}&page=3", HTTP_HX_REQUEST="true").content.decode()
    assert more.count('data-testid="missing-person"') == 2 and "missing-more" not in more
    # Twice the people, more vulnerable, more blocks: the same queries.
    for n, number in enumerate(("101", "102", "201", "202", "101", "202")):
        door = household(world.b3, number, None)
        person = _register(world.staff, door, f"三号楼{n}")
        Vulnerability.objects.create(person=person, tag="elderly")
    with assert_queries(few):
        client.get(url)
    with queries() as block_part:
        client.get(f"{url}?part=block&block={world.b1.pk}&page=2", HTTP_HX_REQUEST="true")
    with assert_queries(block_part):
        client.get(f"{url}?part=block&block={world.b3.pk}&page=1", HTTP_HX_REQUEST="true")


def test_tap_to_call_reveals_the_phone_once_asked_and_audits_it(client, world, residents, round_):
    person = residents.b1[0]
    Person.objects.filter(pk=person.pk).update(phone="13800138000")
    client.force_login(world.leader)
    page = client.get(_missing(round_, world.b1)).content.decode()
    assert "138****8000" in page and "13800138000" not in page
    response = client.post(f"/people/{person.pk}/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'href="tel:13800138000"' in response.content.decode()
    entry = AuditEntry.objects.get(action="person.reveal_phone")
    assert (entry.actor, entry.target_id, entry.changes) == (
        world.leader,
        str(person.pk),
        {"phone": "138****8000", "reason": "call list"},
    )
    assert entry.area_path.startswith(world.b1.path)
    # A volunteer sees the masked phone only, and may not reveal it; outside one's areas: 404.
    client.force_login(world.volunteer)
    assert 'data-testid="call"' not in client.get(_missing(round_, world.b1)).content.decode()
    response = client.post(f"/people/{person.pk}/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and "tel:" not in response.content.decode()
    client.force_login(world.outsider)
    assert client.post(f"/people/{person.pk}/phone/").status_code == 404
    assert AuditEntry.objects.filter(action="person.reveal_phone").count() == 1


def test_an_exemption_needs_a_reason_then_a_confirmation_naming_the_person(client, world, residents, round_):
    child = residents.b1[1]
    Person.objects.filter(pk=child.pk).update(birth_date=timezone.localdate() - dt.timedelta(days=4 * 366))
    client.force_login(world.leader)
    url = _missing(round_, world.b1)
    # The row opens with no reason chosen.
    row = client.get(f"{url}?part=choose&person={child.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="">Choose a reason…</option>' in row and " selected" not in row
    post = {"person": child.pk, "area": world.b1.pk, "reason": "", "note": ""}
    response = client.post(f"/testing/rounds/{round_.pk}/exemptions/", post, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-field="reason">Choose a reason.<' in response.content.decode()
    assert Exemption.objects.count() == 0
    # A reason: said back with the masked name, the door and the age, nothing written yet.
    post["reason"] = ExemptionReason.AWAY
    response = client.post(f"/testing/rounds/{round_.pk}/exemptions/", post, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and Exemption.objects.count() == 0
    assert _text(response.content, "exempt-confirm") == [
        f"Exempt 居***乙 (1号楼 Unit 1 101) from this round: {ExemptionReason.AWAY.label}?"
    ]
    assert "A child aged 4." in response.content.decode()
    # Confirmed: written; the row leaves the list; the counts come out of band; a toast offers undo.
    response = client.post(
        f"/testing/rounds/{round_.pk}/exemptions/", {**post, "confirm": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert list(Exemption.objects.values_list("person_id", "reason")) == [(child.pk, "away")]
    html = response.content.decode()
    assert f'id="miss-{child.pk}" hidden' in html
    assert '<section id="totals" hx-swap-oob="innerHTML">' in html
    assert _text(response.content, "missing") == ["11"] and _text(response.content, "exempt") == ["1"]
    assert re.search(r'id="missing-total"[^>]*hx-swap-oob="true">11 people not sampled yet', html)
    assert re.search(rf'id="block-count-{world.b1.pk}"[^>]*hx-swap-oob="true">11<', html)
    trigger = json.loads(response["HX-Trigger"])
    exemption = Exemption.objects.get()
    assert trigger["toast"] == {
        "text": f"居***乙 is exempt: {ExemptionReason.AWAY.label}.",
        "kind": "ok",
        "undo_url": f"/testing/exemptions/{exemption.pk}/remove/?area={world.b1.pk}",
        "undo_label": "Undo",
    }
    assert response["HX-Trigger-After-Swap"] == "exemptions-changed"


def test_undo_from_the_toast_puts_the_person_back_with_the_counts(client, world, residents, round_):
    person = residents.b1[2]
    exemption = coverage_services.exemption_set(
        acting_user=world.leader, round=round_, person=person, reason=ExemptionReason.AWAY
    )
    client.force_login(world.leader)
    response = client.post(
        f"/testing/exemptions/{exemption.pk}/remove/?area={world.b1.pk}", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and Exemption.objects.count() == 0
    html = response.content.decode()
    assert re.search(rf'<li class="miss-person" id="miss-{person.pk}"[^>]*hx-swap-oob="true"', html)
    assert re.search(rf'id="block-count-{world.b1.pk}"[^>]*hx-swap-oob="true">12<', html)
    assert json.loads(response["HX-Trigger"])["toast"] == {"text": "居***甲 is expected again.", "kind": "ok"}
    # Undone twice (a double tap): the exemption is gone already, nothing breaks.
    again = client.post(
        f"/testing/exemptions/{exemption.pk}/remove/?area={world.b1.pk}", HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 404


def test_the_round_page_says_what_each_figure_counts(client, world, residents, round_, point):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:3] + residents.b2[:1])
    client.force_login(world.leader)
    page = client.get(f"/testing/rounds/{round_.pk}/").content
    assert _text(page, "totals-label") == ["Figures for your 2 buildings: 1号楼, 2号楼"]
    assert _text(page, "part-figures") == [
        "3 of 12 sampled or exempt · 9 missing",
        "1 of 2 sampled or exempt · 1 missing",
    ]
    # The rounds list too: the leader's card says the figures are their two buildings'.
    page = client.get("/testing/").content
    assert _text(page, "round-part") == ["Figures for your 2 buildings: 1号楼, 2号楼"]
    assert _text(page, "round-done") == ["4 of 14 sampled or exempt · 10 missing"]
    client.force_login(world.staff)
    page = client.get(f"/testing/rounds/{round_.pk}/").content
    assert _text(page, "totals-label") == ["Figures for P1小区"]
    assert _text(client.get("/testing/").content, "round-part") == []  # all of the round is theirs


def test_the_call_down_refresh_sends_figures_in_place(client, world, residents, round_, point):
    url = f"/testing/rounds/{round_.pk}/calldowns/{point.pk}/"
    client.force_login(world.staff)
    page = client.get(url).content.decode()
    shape = re.search(r"part=figures&amp;shape=(\w+)", page).group(1)
    assert _text(page.encode(), "wave-people") == ["14 people"]
    fill(world, residents, round_, point, "TG0000001", residents.b1[:2])
    figures = client.get(f"{url}?part=figures&shape={shape}", HTTP_HX_REQUEST="true").content.decode()
    assert '<span id="wave-1-people" hx-swap-oob="innerHTML">12 people</span>' in figures
    assert "wave-message" not in figures and "Call now" not in figures
    # Another wave drawn (a stairwell called): no figures for waves that are no longer the page's.
    figures = client.get(f"{url}?part=figures&shape=000000000000", HTTP_HX_REQUEST="true").content.decode()
    assert "wave-1-people" not in figures and 'data-testid="calldown-reload"' in figures
