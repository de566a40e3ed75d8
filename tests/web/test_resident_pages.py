"""A resident's own page: their household, their codes (the same signed codes the desk scans) and
their latest results, and nothing of anyone else; the friendly 404; My account without tokens."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from firstline.areas.models import Area
from firstline.followups.services import antigen_report
from firstline.notices.models import Notice
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode
from firstline.registration.selectors import code_resolve
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.services import ResultIn, results_report
from firstline.testing.models import Sample, SampleState
from tests.conftest import household
from tests.factories.people import PersonFactory
from tests.factories.testing import SampleFactory
from tests.queries import at_most_queries
from tests.testing.fixtures import fill
from tests.testing.lab.test_results import boxed_and_received

pytestmark = pytest.mark.django_db


QR_DATA = re.compile(r'<svg viewBox="[^"]+" class="qr-svg">.*?class="qrline" stroke="#000" d="([^"]+)"')


def _svg_path(html: str) -> list[str]:
    """The data (the path's d) of each QR SVG on a page."""
    return QR_DATA.findall(html)


def _expected_path(payload: str) -> str:
    return re.search(r'class="qrline" stroke="#000" d="([^"]+)"', codes.qr_svg_screen(payload)).group(1)


def test_a_resident_starts_on_their_household_with_each_members_code_and_the_family_code(
    client, world, residents, round_, point
):
    own, neighbour = residents.b1[:2], residents.b1[2:4]
    SampleFactory(acting_user=world.staff, round=round_, person=own[0], point=point, tube_code="TR0000001")
    Sample.objects.filter(person=own[0]).update(state=SampleState.NEGATIVE)
    client.force_login(world.resident)
    html = client.get("/").content.decode()
    assert "1号楼 Unit 1 101" in html
    paths = _svg_path(html)
    family = PersonalCode.objects.get(household=household(world.b1, "101"), kind=CodeKind.FAMILY)
    # The same signed codes the desk scans: each member's, then the family's.
    assert paths == [_expected_path(residents.codes[p.pk]) for p in own] + [
        _expected_path(codes.payload_for(family.code))
    ]
    assert code_resolve(user=world.staff, payload=residents.codes[own[0].pk]) == [own[0]]
    assert "第一轮全员核酸" in html and "Negative" in html and "Not sampled yet" in html
    for person in neighbour + residents.b2:
        assert person.name not in html
    assert "style=" not in html
    # The round is named, not linked: a resident has no round page.
    assert "/testing/" not in html
    assert client.get("/mine/").content.decode().count("qr-svg") == 3
    with at_most_queries(16):
        client.get("/mine/")


def test_a_residents_codes_are_made_on_first_sight_and_only_their_own_code_pages_open(client, world):
    door = household(world.b1, "101")
    mother = PersonFactory(acting_user=world.staff, household=door, name="刘桂兰", name_only=True)
    elsewhere = household(world.b1, "102")
    other = PersonFactory(acting_user=world.staff, household=elsewhere, name="张三", name_only=True)
    client.force_login(world.resident)
    full = client.get(f"/mine/codes/{mother.pk}/")
    assert full.status_code == 200
    code = PersonalCode.objects.get(person=mother, kind=CodeKind.PERSON, revoked_at__isnull=True)
    page = full.content.decode()
    assert _svg_path(page) == [_expected_path(codes.payload_for(code.code))]
    assert "刘*兰" in page and "刘桂兰" not in page  # the screen is held up at a desk: the name masked
    assert client.get(f"/mine/family/{door.pk}/").status_code == 200
    # Another household's codes, or a person elsewhere: refused as if they did not exist.
    assert client.get(f"/mine/codes/{other.pk}/").status_code == 404
    assert client.get(f"/mine/family/{household(world.b1, '102').pk}/").status_code == 404
    assert not PersonalCode.objects.filter(person=other).exists()
    # The page is a resident's: staff, leaders and volunteers have none.
    for user in (world.staff, world.leader, world.volunteer, world.lab):
        client.force_login(user)
        assert client.get("/mine/").status_code == 404
        assert client.get(f"/mine/codes/{mother.pk}/").status_code == 404


def test_staff_find_print_links_for_a_person_card_and_a_family_card(client, world):
    door = household(world.b1, "101")
    person = PersonFactory(acting_user=world.staff, household=door, name="王芳", name_only=True)
    client.force_login(world.staff)
    page = client.get(f"/households/{door.pk}/").content.decode()
    assert f"/households/{door.pk}/family-card/" in page and f"/people/{person.pk}/card/" in page
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/people/{person.pk}/card/" in page and f"/households/{door.pk}/family-card/" in page
    client.force_login(world.resident)
    page = client.get(f"/households/{door.pk}/").content.decode()
    assert "family-card" not in page and "/card/" not in page


def test_my_account_offers_api_tokens_only_to_roles_with_api_work(client, world):
    for user, offered in [
        (world.resident, False),
        (world.leader, False),
        (world.volunteer, False),
        (world.staff, True),
        (world.lab, True),
    ]:
        client.force_login(user)
        page = client.get("/me/").content.decode()
        assert ('data-testid="api-tokens"' in page) is offered, user.username


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_friendly_404_never_the_list_of_urls(client, world, round_):
    for user, url in [
        (None, "/no-such-page/"),
        (world.resident, "/no-such-page/"),
        (world.resident, f"/testing/rounds/{round_.pk}/"),  # a round is no resident's page
    ]:
        if user:
            client.force_login(user)
        with translation.override("en"):  # the request's Chinese is not left on for the next tests
            answer = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        page = answer.content.decode()
        assert answer.status_code == 404
        assert 'data-testid="not-found"' in page and "页面不存在" in page
        assert "URLconf" not in page and "urlpatterns" not in page and "api/v1/" not in page


def test_the_demo_serves_without_debug_pages():
    import subprocess

    plan = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed-stamp", "demo"], capture_output=True, text=True, check=True
    ).stdout
    assert "FIRSTLINE_DEBUG=${FIRSTLINE_DEBUG:-0}" in plan and "--insecure" in plan


def _links(html: str) -> set[str]:
    return {
        href
        for href in re.findall(r'href="([^"#]+)"', html)
        if href.startswith("/") and not href.startswith("/static/")
    }


def test_every_link_a_resident_is_shown_works_for_them(client, world, residents, round_, point):
    """From the start page, every page a resident reaches through the app's own links opens for them
    (the household page's round link was Django's debug 404)."""
    SampleFactory(acting_user=world.staff, round=round_, person=residents.b1[0], point=point)
    coverage_services.call_down_issue(
        acting_user=world.staff,
        round=round_,
        point=point,
        stairwells=[Area.objects.get(parent=world.b1, name="Unit 1")],
        people_expected=12,
    )
    door = household(world.b1, "101")
    client.force_login(world.resident)
    # Their start page, and their household's ledger page (a resident reads it too).
    seen, queue = set(), ["/", f"/households/{door.pk}/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = client.get(url)
        assert answer.status_code == 200, url
        queue.extend(_links(answer.content.decode()) - seen)
    assert {"/", "/mine/", "/notices/", "/me/", "/antigen/", f"/mine/family/{door.pk}/"} <= seen
    assert f"/people/{residents.b1[0].pk}/" in seen and f"/mine/codes/{residents.b1[0].pk}/" in seen
    assert not [url for url in seen if url.startswith(("/testing/", "/areas/", "/search/"))]


def test_notices_lead_to_what_they_are_about_for_those_who_may_open_it(
    client, world, residents, round_, point
):
    fill(world, residents, round_, point, "TG0000001", residents.b1[:10])
    boxed_and_received(world, round_, point, ["TG0000001"])
    results_report(acting_user=world.lab, source="upload", results=[ResultIn("TG0000001", "阳性")])
    coverage_services.call_down_issue(
        acting_user=world.staff,
        round=round_,
        point=point,
        stairwells=[Area.objects.get(parent=world.b1, name="Unit 1")],
        people_expected=12,
    )
    antigen_report(
        acting_user=world.resident,
        household=household(world.b1, "101"),
        result="positive",
        client_key="resident-form-0001",
    )
    door = household(world.b1, "101")

    client.force_login(world.leader)
    page = client.get("/notices/").content.decode()
    assert f'href="/testing/rounds/{round_.pk}/positives/" data-testid="notice-link"' in page
    assert f'href="/testing/rounds/{round_.pk}/" data-testid="notice-link"' in page  # the call-down
    assert f'href="/households/{door.pk}/" data-testid="notice-link"' in page  # the antigen positive
    client.force_login(world.staff)
    page = client.get("/notices/").content.decode()
    assert f'href="/testing/rounds/{round_.pk}/positives/" data-testid="notice-link"' in page
    assert f'href="/households/{door.pk}/" data-testid="notice-link"' in page
    # The resident reads the call-down of their stairwell: it leads to their code.
    client.force_login(world.resident)
    page = client.get("/").content.decode()
    assert "please come down now" in page and 'href="/mine/" data-testid="notice-link"' in page
    page = client.get("/notices/").content.decode()
    assert page.count('data-testid="notice"') == 1 and "Positive pool" not in page
    # Each message whole: its box has a row for every line of a phone's width.
    body = Notice.objects.get(kind="pool_positive").body
    rows = int(
        re.search(
            r'kind-pool_positive".*?<textarea readonly rows="(\d+)"', client_page(client, world.leader), re.S
        ).group(1)
    )
    assert rows >= len(body) // 18


def client_page(client, user) -> str:
    client.force_login(user)
    return client.get("/notices/").content.decode()


def test_the_error_pages_are_the_apps_own_in_the_readers_language():
    from django.template.loader import render_to_string

    with translation.override("zh-hans"):
        assert "出错了" in render_to_string("500.html") and "Traceback" not in render_to_string("500.html")
        assert "请求无法处理" in render_to_string("400.html")
        assert "表单已过期" in render_to_string("403_csrf.html")
        assert "您不能打开这个页面。" in render_to_string("403.html")
