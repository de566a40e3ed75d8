"""The transport, lab, antigen, follow-up and notices pages: what each role may do, what it sees,
that a refused write changes nothing, and what each list page costs in queries."""

import re

import pytest

from firstline.accounts.roles import Role
from firstline.followups import services as antigen
from firstline.followups.models import AntigenReport, FollowUp
from firstline.notices.models import Notice, NoticeDelivery
from firstline.testing.capture.services import scans_record
from firstline.testing.models import Box, BoxEvent, LabMapping, ResultUpload, Tube, TubeResult
from firstline.testing.transport import services as transport
from tests.conftest import household
from tests.factories.accounts import UserFactory
from tests.factories.notices import NoticeFactory
from tests.factories.testing import BoxFactory
from tests.queries import assert_queries
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db

LAB_CSV = (
    "检测机构：市第三人民医院\n"
    "序号,试管编码,检测结果,报告时间\n"
    "1,TG0000001,阳性,2022-04-04 18:30\n"
    "2,TG0000404,阴性,2022-04-04 18:31\n"
).encode()


@pytest.fixture
def filled(world, residents, round_, point):
    """TG0000001 full with ten people of 1号楼 Unit 1, TG0000002 still open with two."""
    scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, "TG0000001", residents.codes[p.pk]) for p in residents.b1[:10]]
        + [desk_scan(point, "TG0000002", residents.codes[p.pk]) for p in residents.b1[10:]],
    )
    return residents


def packed_box(world, round_, point, code="BOX-001", tubes=("TG0000001", "TG0000002")) -> Box:
    return BoxFactory(
        acting_user=world.volunteer, round=round_, code=code, point=point, tubes=list(tubes), packed=True
    )


def _page(client, url: str) -> None:
    assert client.get(url).status_code == 200


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --------------------------------------------------------------------------------------------
# Boxes at the point


def test_a_volunteer_opens_a_box_scans_tubes_miscounts_then_packs_and_hands_it_off(
    client, world, filled, round_, point
):
    client.force_login(world.volunteer)
    response = client.post(f"/testing/rounds/{round_.pk}/boxes/", {"point": point.pk, "code": "box-001"})
    box = Box.objects.get()
    assert (response.status_code, response["Location"], box.code, box.point) == (
        302,
        f"/testing/boxes/{box.pk}/",
        "BOX-001",
        point,
    )
    url = f"/testing/boxes/{box.pk}/"
    assert "TG0000001: added</li>" in _text(client.post(url, {"action": "add", "tubes": "tg0000001"}))
    assert "TG0000002: added · the tube was still open and is now closed</li>" in _text(
        client.post(url, {"action": "add", "tubes": "TG0000002"})
    )
    answers = _text(client.post(url, {"action": "add", "tubes": "TG0000002 TG9999999"}))
    assert "TG0000002: already in this box</li>" in answers
    assert "TG9999999: refused — No tube TG9999999 has been filled in this round.</li>" in answers
    response = client.post(url, {"action": "pack", "counted": "3"})
    assert response.status_code == 422
    assert (
        'data-field="counted" role="alert">You counted 3 tubes, but 2 were scanned into box BOX-001. Scan '
        "the missing "
        "tubes or take out the extra ones, then count again.</span>"
    ) in _text(response)
    assert Box.objects.get().status == Box.Status.PACKING
    assert client.post(url, {"action": "pack", "counted": "2"}).status_code == 302
    # The hand-off names the courier who takes the box; without a name it is refused beside the field.
    refused = client.post(url, {"action": "pickup", "counted": "", "courier_phone": "139 1234 5678"})
    assert refused.status_code == 422
    assert 'data-field="courier_name" role="alert">The courier&#x27;s name is missing.</span>' in _text(
        refused
    )
    assert 'value="139 1234 5678"' in _text(refused)
    handed = {"action": "pickup", "counted": "", "courier_name": "王师傅", "courier_phone": "139 1234 5678"}
    assert client.post(url, handed).status_code == 302
    box.refresh_from_db()
    assert (box.status, box.tube_count) == (Box.Status.PICKED_UP, 2)
    page = _text(client.get(f"/testing/rounds/{round_.pk}/boxes/"))
    assert 'class="badge box-picked_up">Picked up</span> <span>2 tubes</span>' in page
    assert re.search(r"<strong>Packed</strong> \d\d-\d\d \d\d:\d\d · volunteer · 2 tubes</li>", page)
    assert re.search(
        r"<strong>Picked up</strong> \d\d-\d\d \d\d:\d\d · <span data-testid=\"courier\">courier 王师傅 "
        r"\(139\*\*\*\*5678\)</span> · handed over by volunteer · 2 tubes</li>",
        page,
    )
    assert "13912345678" not in page
    event = box.events.get(kind="picked_up")
    assert (event.courier_name, event.courier_phone, event.by.username) == (
        "王师傅",
        "13912345678",
        "volunteer",
    )


def test_a_box_code_in_use_is_refused_by_name_and_a_leader_may_not_pack(client, world, filled, round_, point):
    box = BoxFactory(
        acting_user=world.volunteer,
        round=round_,
        code="BOX-001",
        point=point,
        tubes=["TG0000001"],
        packed=True,
    )
    client.force_login(world.volunteer)
    response = client.post(f"/testing/rounds/{round_.pk}/boxes/", {"point": point.pk, "code": "BOX-001"})
    assert response.status_code == 409
    assert 'data-field="code">Box code BOX-001 is already in use.</span>' in _text(response)
    # A leader over the compound sees its boxes but may not pack or hand them off: refused, nothing changed.
    client.force_login(UserFactory(username="p1_leader", role=Role.BUILDING_LEADER, area=world.p1))
    assert client.get(f"/testing/boxes/{box.pk}/").status_code == 200
    assert client.post(f"/testing/boxes/{box.pk}/", {"action": "pickup"}).status_code == 403
    assert (
        client.post(f"/testing/rounds/{round_.pk}/boxes/", {"point": point.pk, "code": "BOX-002"}).status_code
        == 403
    )
    assert (Box.objects.count(), Box.objects.get().status, BoxEvent.objects.count()) == (
        1,
        Box.Status.PACKED,
        1,
    )


# --------------------------------------------------------------------------------------------
# The lab


def test_a_volunteer_cannot_receive_at_the_lab_and_nothing_changes(client, world, filled, round_, point):
    box = packed_box(world, round_, point)
    client.force_login(world.volunteer)
    assert client.get("/lab/").status_code == 404
    assert client.get(f"/lab/boxes/{box.pk}/").status_code == 404
    assert (
        client.post(f"/lab/boxes/{box.pk}/", {"action": "receive_count", "counted": "2"}).status_code == 404
    )
    assert (
        client.post(
            f"/lab/boxes/{box.pk}/", {"action": "result", "result": "negative", "tube": "TG0000001"}
        ).status_code
        == 404
    )
    assert client.post("/lab/results/upload/", {"file": _file("lab.csv", LAB_CSV)}).status_code == 404
    assert Box.objects.get().status == Box.Status.PACKED
    assert list(BoxEvent.objects.values_list("kind", flat=True)) == ["packed"]
    assert (
        Tube.objects.filter(received_at__isnull=False).count(),
        TubeResult.objects.count(),
        ResultUpload.objects.count(),
    ) == (0, 0, 0)


def test_the_lab_receives_tube_by_tube_names_the_missing_one_and_enters_results(
    client, world, filled, round_, point
):
    box = packed_box(world, round_, point)
    client.force_login(world.lab)
    response = client.get("/lab/", {"code": " box-001 "})
    assert (response.status_code, response["Location"]) == (302, f"/lab/boxes/{box.pk}/")
    assert client.get("/lab/", {"code": "BOX-999"}).status_code == 404
    url = f"/lab/boxes/{box.pk}/"
    assert (
        client.post(url, {"action": "receive_tubes", "tube_codes": "TG0000001\nTG0000777\n"}).status_code
        == 302
    )
    page = _text(client.get(url))
    assert 'data-testid="missing">Missing from the box: <code>TG0000002</code></p>' in page
    assert 'data-testid="unexpected">In the box but not scanned into it: <code>TG0000777</code></p>' in page
    assert "1 tube received." in page
    assert Box.objects.get().status == Box.Status.RECEIVED
    # A result per tube, with the answer for each.
    page = _text(client.post(url, {"action": "result", "result": "negative", "tube": "tg0000001"}))
    assert "<code>TG0000001</code>: stored</li>" in page
    page = _text(client.post(url, {"action": "result", "result": "negative", "tube": "TG0000001"}))
    assert "<code>TG0000001</code>: already reported the same, nothing changed</li>" in page
    # A positive is asked again, naming its tubes, and nothing is recorded until it is confirmed.
    page = _text(client.post(url, {"action": "result", "result": "positive", "tube": "TG0000001 TG0000002"}))
    assert "Tubes TG0000001, TG0000002 are to be recorded as <strong>positive</strong>." in page
    assert 'name="confirmed" value="1"' in page
    assert TubeResult.objects.count() == 1
    page = _text(
        client.post(
            url, {"action": "result", "result": "positive", "tube": "TG0000001 TG0000002", "confirmed": "1"}
        )
    )
    assert re.search(
        r"<code>TG0000001</code>: refused — Tube TG0000001 was already reported negative \(Entered on the "
        r"lab "
        r"page, \d{4}-\d\d-\d\d \d\d:\d\d\)\. A result is never overwritten; re-sample the people "
        r"instead\.</li>",
        page,
    )
    assert (
        "<code>TG0000002</code>: refused — Tube TG0000002 has not been received at the lab: receive its box "
        "first.</li>" in page
    )
    assert list(TubeResult.objects.values_list("tube__code", "result", "source")) == [
        ("TG0000001", "negative", "manual")
    ]
    assert '<td data-label="Received"><span class="missing">missing</span></td>' in page
    assert "1 of 2 resulted" in page


def test_a_lab_user_never_sees_a_persons_name_or_door(client, world, filled, round_, point):
    box = packed_box(world, round_, point)
    transport.box_receive(acting_user=world.lab, box=box, counted=2)
    client.force_login(world.lab)
    response = client.post("/lab/results/upload/", {"file": _file("结果.csv", LAB_CSV), "lab": "市三院"})
    upload = ResultUpload.objects.get()
    assert response["Location"] == f"/lab/uploads/{upload.pk}/"
    client.post(f"/lab/boxes/{box.pk}/", {"action": "result", "result": "negative", "tube": "TG0000002"})
    pages = [
        "/",
        "/lab/",
        f"/lab/boxes/{box.pk}/",
        "/lab/results/upload/",
        f"/lab/uploads/{upload.pk}/",
        "/notices/",
    ]
    names = [p.name for p in filled.b1] + ["1号楼", "Unit 1", "101"]
    for url in pages:
        page = client.get(url).content.decode()
        assert [name for name in names if name in page] == [], url
    for url in (
        f"/testing/boxes/{box.pk}/",
        f"/testing/rounds/{round_.pk}/boxes/",
        f"/households/{household(world.b1, '101').pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_upload_with_a_bad_row_shows_it_with_its_row_number(client, world, filled, round_, point):
    transport.box_receive(acting_user=world.lab, box=packed_box(world, round_, point), counted=2)
    client.force_login(world.lab)
    response = client.post("/lab/results/upload/", {"file": _file("结果.csv", LAB_CSV), "lab": "市三院"})
    upload = ResultUpload.objects.get()
    page = _text(client.get(response["Location"]))
    assert (upload.stored, upload.refused) == (1, 1)
    assert 'data-testid="stored">1</dd>' in page and 'data-testid="refused">1</dd>' in page
    assert (
        "<tr><td>4</td><td><code>TG0000404</code></td><td>No tube TG0000404 is known to this lab.</td></tr>"
        in page
    )
    assert LabMapping.objects.get().name == "市三院"
    # Another user's upload is not found.
    client.force_login(world.outsider)
    assert client.get(f"/lab/uploads/{upload.pk}/").status_code == 404


def test_unknown_headers_are_chosen_by_hand_and_the_file_waits_sealed(
    client, world, filled, round_, point, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    transport.box_receive(acting_user=world.lab, box=packed_box(world, round_, point), counted=2)
    data = b"Barcode No.,Outcome (qPCR)\nTG0000002,NEG\n"
    client.force_login(world.lab)
    response = client.post("/lab/results/upload/", {"file": _file("lab.csv", data), "lab": "Lab B"})
    page = _text(response)
    assert response.status_code == 200
    assert 'data-field="mapping">Say which column holds the tube code, result.' in page
    assert '<select name="col-0" aria-label="Barcode No.">' in page
    kept = list((tmp_path / "lab-uploads").iterdir())
    assert len(kept) == 1 and kept[0].name == client.session["lab_upload"]["token"]
    assert b"TG0000002" not in kept[0].read_bytes()
    assert ResultUpload.objects.count() == 0
    # Still no result column: asked again, the file still waits.
    assert client.post("/lab/results/upload/", {"step": "columns", "col-0": "tube_code"}).status_code == 422
    assert TubeResult.objects.count() == 0 and len(list((tmp_path / "lab-uploads").iterdir())) == 1
    response = client.post(
        "/lab/results/upload/", {"step": "columns", "col-0": "tube_code", "col-1": "result"}
    )
    upload = ResultUpload.objects.get()
    assert response["Location"] == f"/lab/uploads/{upload.pk}/"
    assert (upload.stored, upload.refused) == (1, 0)
    assert list((tmp_path / "lab-uploads").iterdir()) == [] and "lab_upload" not in client.session
    assert LabMapping.objects.get(name="Lab B").mapping == {
        "Barcode No.": "tube_code",
        "Outcome (qPCR)": "result",
    }


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_an_outsider_gets_404_on_every_page_and_changes_nothing(client, world, filled, round_, point):
    box = packed_box(world, round_, point)
    antigen.antigen_report(
        acting_user=world.resident,
        household=household(world.b1, "101"),
        result="positive",
        client_key="k" * 32,
    )
    follow_up = FollowUp.objects.get()
    other_lab = UserFactory(username="other_lab", role=Role.LAB, area=world.c2)
    client.force_login(world.outsider)  # community staff of C2
    for url in (
        f"/testing/rounds/{round_.pk}/boxes/",
        f"/testing/boxes/{box.pk}/",
        f"/antigen/area/{world.b1.pk}/",
        f"/antigen/?household={household(world.b1, '101').pk}",
        "/lab/",
    ):
        assert client.get(url).status_code == 404, url
    writes = [
        (f"/testing/rounds/{round_.pk}/boxes/", {"point": point.pk, "code": "BOX-009"}),
        (f"/testing/boxes/{box.pk}/", {"action": "pickup"}),
        (
            f"/households/{household(world.b1, '102').pk}/antigen/",
            {"result": "positive", "client_key": "x" * 32},
        ),
        (f"/followups/{follow_up.pk}/close/", {"note": "阴性"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    client.force_login(other_lab)  # a lab of another street part: the box is not theirs
    assert client.get(f"/lab/boxes/{box.pk}/").status_code == 404
    assert (
        client.post(f"/lab/boxes/{box.pk}/", {"action": "receive_count", "counted": "2"}).status_code == 404
    )
    assert (Box.objects.count(), Box.objects.get().status, BoxEvent.objects.count()) == (
        1,
        Box.Status.PACKED,
        1,
    )
    assert (AntigenReport.objects.count(), FollowUp.objects.get().status) == (1, FollowUp.Status.OPEN)


# --------------------------------------------------------------------------------------------
# Antigen self-tests and follow-ups


def _client_key(page: str) -> str:
    return re.search(r'name="client_key" value="([0-9a-f]{32})"', page).group(1)


def test_the_same_antigen_form_sent_twice_stores_one_report_and_tells_the_leaders(client, world, residents):
    door = household(world.b1, "101")
    client.force_login(world.resident)
    assert 'data-testid="antigen-entry">Report an antigen result</a>' in client.get("/").content.decode()
    key = _client_key(client.get("/antigen/").content.decode())
    form = {
        "result": "positive",
        "person": residents.b1[0].pk,
        "taken_at": "",
        "note": "有点发烧",
        "client_key": key,
    }
    first = client.post(f"/households/{door.pk}/antigen/", form, follow=True)
    second = client.post(f"/households/{door.pk}/antigen/", form)
    assert second.status_code == 302
    assert AntigenReport.objects.count() == 1 and FollowUp.objects.count() == 1
    report = AntigenReport.objects.get()
    assert (report.household, report.person, report.result, report.note) == (
        door,
        residents.b1[0],
        "positive",
        "有点发烧",
    )
    assert "The building leaders and community staff of this door were told" in first.content.decode()
    assert sorted(NoticeDelivery.objects.values_list("user__username", flat=True)) == ["leader", "staff"]
    # A fresh form has a fresh key.
    assert _client_key(client.get("/antigen/").content.decode()) != key


def test_antigen_refusals_change_nothing(client, world, residents):
    other = household(world.b1, "102")
    client.force_login(world.resident)
    form = {"result": "positive", "client_key": "a" * 32}
    assert client.post(f"/households/{other.pk}/antigen/", form).status_code == 404
    response = client.post(
        f"/households/{household(world.b1, '101').pk}/antigen/", {**form, "result": "maybe"}
    )
    assert (
        response.status_code == 422 and "Choose negative, positive or invalid." in response.content.decode()
    )
    assert 'value="' + "a" * 32 + '"' in response.content.decode()  # the same key, so a retry is stored once
    client.force_login(world.outsider)
    assert client.post(f"/households/{other.pk}/antigen/", form).status_code == 404
    client.force_login(world.lab)
    assert client.get("/antigen/").status_code == 404
    assert AntigenReport.objects.count() == 0 and FollowUp.objects.count() == 0


def test_a_leader_finds_the_door_and_reads_the_area_list(client, world, residents):
    client.force_login(world.leader)
    page = client.get("/antigen/", {"q": "1-1-201"}).content.decode()
    door = household(world.b1, "201")
    assert f'<a href="?household={door.pk}">1号楼 Unit 1 201</a>' in page
    key = _client_key(client.get("/antigen/", {"household": door.pk}).content.decode())
    client.post(f"/households/{door.pk}/antigen/", {"result": "negative", "client_key": key})
    antigen.antigen_report(
        acting_user=world.staff,
        household=household(world.b1, "301"),
        result="positive",
        client_key="k" * 32,
        person=residents.b1[8],
    )
    page = _text(client.get(f"/antigen/area/{world.b1.pk}/"))
    assert 'data-testid="total">2 reports</p>' in page
    assert re.search(
        r'<tr class="antigen-positive"><td data-label="Taken at">[^<]+</td>'
        r'<td data-label="Household"><a href="/households/\d+/">1号楼 Unit 1 301</a></td>'
        r'<td data-label="Person">居民31甲</td><td data-label="Result"><strong>Positive</strong></td>',
        page,
    )
    assert client.get(f"/antigen/area/{world.b9.pk}/").status_code == 404
    assert client.get("/antigen/", {"household": household(world.b9, "101").pk}).status_code == 404


def test_staff_work_and_close_the_follow_ups(client, world, residents):
    door = household(world.b1, "101")
    antigen.antigen_report(
        acting_user=world.resident,
        household=door,
        result="positive",
        client_key="k" * 32,
        person=residents.b1[1],
    )
    follow_up = FollowUp.objects.get()
    client.force_login(world.leader)
    assert client.get("/followups/").status_code == 404
    assert client.post(f"/followups/{follow_up.pk}/close/", {"note": "x"}).status_code == 404
    client.force_login(world.outsider)
    assert client.get("/followups/").status_code == 200
    assert client.post(f"/followups/{follow_up.pk}/close/", {"note": "x"}).status_code == 404
    client.force_login(world.staff)
    page = _text(client.get("/followups/"))
    assert 'data-testid="open-count">1</span>' in page
    assert "1号楼 Unit 1 101</a> · 居民11乙</p>" in page and "Positive antigen self-test</span>" in page
    client.post(f"/followups/{follow_up.pk}/close/", {"note": "  "})
    assert FollowUp.objects.get().status == FollowUp.Status.OPEN
    client.post(f"/followups/{follow_up.pk}/close/", {"note": "核酸阴性"})
    page = _text(client.get("/followups/"))
    assert 'data-testid="open-count">0</span>' in page and '<td data-label="Outcome">核酸阴性</td>' in page
    assert FollowUp.objects.get().closed_by == world.staff


def test_the_household_page_shows_the_round_and_the_antigen_form(client, world, filled, round_, point):
    door = household(world.b1, "101")
    client.force_login(world.resident)
    page = _text(client.get(f"/households/{door.pk}/"))
    # A resident has no round page: the round is named, not linked (the link was a 404).
    assert "Testing · 第一轮全员核酸</h2>" in page and f'href="/testing/rounds/{round_.pk}/"' not in page
    assert (
        '<li class="state-pending">居民11甲 · <strong>Sampled, waiting for the lab</strong> '
        "<code>TG0000001</code></li>" in page
    )
    assert f'action="/households/{door.pk}/antigen/"' in page
    client.force_login(world.volunteer)  # sees the ledger, may not report antigen results
    page = client.get(f"/households/{door.pk}/").content.decode()
    assert 'antigen/"' not in page and f'<a href="/testing/rounds/{round_.pk}/">第一轮全员核酸</a>' in page


# --------------------------------------------------------------------------------------------
# Notices


def test_notices_unread_first_marked_read_with_htmx(client, world):
    older = NoticeFactory(
        area=world.b1, kind="general", title="早通知", body="请下楼", recipients=[world.leader]
    )
    newer = NoticeFactory(
        area=world.b1,
        kind="call_down",
        title="新通知",
        body="1号楼请下楼核酸",
        recipients=[world.leader, world.staff],
    )
    client.force_login(world.leader)
    home = client.get("/").content.decode()
    assert 'data-testid="unread-notices">2 unread</span>' in home
    client.post("/notices/read/", {"notice": older.pk})
    page = client.get("/notices/").content.decode()
    assert page.index("新通知") < page.index("早通知")
    assert re.findall(r'class="notice (notice-\w+) kind-\w+" id="notice-(\d+)"', page) == [
        ("notice-unread", str(newer.pk)),
        ("notice-read", str(older.pk)),
    ]
    assert (
        f'readonly rows="2" class="notice-body notice-whole" id="notice-body-{newer.pk}" '
        f'aria-label="Message">1号楼请下楼核酸</textarea>' in page
    )
    fragment = client.post("/notices/read/", {"notice": newer.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith(f'<li class="notice notice-read kind-call_down" id="notice-{newer.pk}"')
    assert NoticeDelivery.objects.get(notice=newer, user=world.staff).read_at is None  # only the user's own
    client.force_login(world.outsider)
    client.post("/notices/read/", {"all": "1"})
    assert NoticeDelivery.objects.filter(read_at__isnull=True).count() == 1


# --------------------------------------------------------------------------------------------
# What the list pages cost


def test_lab_home_boxes_and_notices_cost_a_fixed_number_of_queries(client, world, filled, round_, point):
    packed_box(world, round_, point, "BOX-001", ["TG0000001"])
    client.force_login(world.lab)
    with assert_queries(6):
        _page(client, "/lab/")
    client.force_login(world.volunteer)
    with assert_queries(8):
        _page(client, f"/testing/rounds/{round_.pk}/boxes/")
    client.force_login(world.leader)
    with assert_queries(6):
        _page(client, "/notices/")
    # More of everything: the same queries.
    box = packed_box(world, round_, point, "BOX-002", ["TG0000002"])
    transport.box_pick_up(acting_user=world.volunteer, box=box)
    transport.box_receive(acting_user=world.lab, box=box, counted=1)
    transport.box_open(acting_user=world.volunteer, round=round_, code="BOX-003", point=point)
    for n in range(3):
        NoticeFactory(area=world.b1, kind="general", title=f"通知{n}", body="…", recipients=[world.leader])
    NoticeDelivery.objects.filter(notice__title="通知0").update(
        read_at=Notice.objects.get(title="通知0").created_at
    )
    client.force_login(world.lab)
    with assert_queries(6):
        _page(client, "/lab/")
    client.force_login(world.volunteer)
    with assert_queries(8):
        _page(client, f"/testing/rounds/{round_.pk}/boxes/")
    client.force_login(world.leader)
    with assert_queries(6):  # the exact count of unread notices is one of them
        _page(client, "/notices/")


def test_follow_ups_and_the_antigen_list_cost_a_fixed_number_of_queries(client, world, residents):
    def report(door, n):
        antigen.antigen_report(
            acting_user=world.staff,
            household=household(world.b1, door),
            result="positive",
            client_key=f"key-{door}-{n:04d}",
            person=None,
        )

    report("101", 1)
    client.force_login(world.staff)
    with assert_queries(6):
        _page(client, "/followups/")
    with assert_queries(7):
        _page(client, f"/antigen/area/{world.b1.pk}/")
    for door in ("102", "201", "202"):
        report(door, 2)
    antigen.follow_up_close(
        acting_user=world.staff, follow_up=FollowUp.objects.order_by("id").first(), note="阴性"
    )
    with assert_queries(6):
        _page(client, "/followups/")
    with assert_queries(7):
        _page(client, f"/antigen/area/{world.b1.pk}/")
