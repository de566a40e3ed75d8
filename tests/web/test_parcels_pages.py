import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from firstline.accounts.roles import Role
from firstline.common.models import AuditEntry
from firstline.parcels.models import Parcel
from firstline.registration import codes
from firstline.registration.services import code_issue_for_person
from tests.conftest import household, make_user
from tests.factories.parcels import hold_ended, jpeg, parcel
from tests.factories.people import PersonFactory
from tests.queries import assert_queries, queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _photos(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_desk_registers_a_typed_door_and_disinfects_what_waits(world):
    client = _client(world.volunteer)
    response = client.post(
        "/parcels/",
        {
            "site": world.p1.pk,
            "door_q": "1-2-602",
            "description": "2袋50斤的面粉",
            "count": "2",
            "weight_class": "heavy",
            "label_photo": jpeg(),
        },
    )
    assert response.status_code == 302
    made = Parcel.objects.get()
    assert (made.household_id, made.count, made.weight_class, made.state) == (
        household(world.b1, "602", "Unit 2").pk,
        2,
        "heavy",
        "registered",
    )
    assert made.label_photo.name.startswith("labels/")
    page = client.get(f"/parcels/?site={world.p1.pk}")
    assert [p for p, _door in page.context["waiting"]] == [made]
    response = client.post("/parcels/disinfect/", {"site": world.p1.pk, "parcel": [made.pk]})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.state, made.disinfected_by) == ("holding", world.volunteer)


def test_a_tired_double_tap_on_register_registers_one_parcel(world):
    client = _client(world.volunteer)
    desk = client.get(f"/parcels/?site={world.p1.pk}")
    key = desk.context["client_key"]
    assert f'name="client_key" value="{key}"' in desk.content.decode()
    form = {
        "site": world.p1.pk,
        "door_q": "1-2-602",
        "description": "1袋50斤的大米",
        "count": "1",
        "client_key": key,
    }
    assert [client.post("/parcels/", form).status_code for _tap in range(2)] == [302, 302]
    assert Parcel.objects.filter(description="1袋50斤的大米").count() == 1
    assert client.get(f"/parcels/?site={world.p1.pk}").context["client_key"] != key  # the next form's own


def test_the_desk_names_the_field_of_a_bad_form_and_writes_nothing(world):
    response = _client(world.volunteer).post(
        "/parcels/", {"site": world.p1.pk, "door_q": "9-9-909", "description": "米", "count": "1"}
    )
    assert response.status_code == 422
    assert list(response.context["errors"]) == ["household"]
    assert Parcel.objects.count() == 0


def test_the_board_counts_every_state_and_flags_the_old_in_a_constant_number_of_queries(world):
    door = household(world.b1, "101")
    parcel(acting_user=world.volunteer, household=door)
    parcel(acting_user=world.volunteer, household=door, state="holding")
    client = _client(world.staff)
    with queries() as few:
        client.get(f"/parcels/board/?site={world.p1.pk}")
    for state in ("registered", "deliverable", "deliverable", "delivered"):
        parcel(acting_user=world.volunteer, household=household(world.b2, "201"), state=state)
    old = parcel(acting_user=world.volunteer, household=door)
    Parcel.objects.filter(pk=old.pk).update(registered_at=timezone.now() - dt.timedelta(days=1, minutes=5))
    with assert_queries(few):
        page = client.get(f"/parcels/board/?site={world.p1.pk}")
    assert page.context["board"].counts == {
        "registered": 3,
        "holding": 1,
        "deliverable": 2,
        "out": 0,
        "delivered": 1,
        "returned": 0,
    }
    assert page.context["board"].overdue == 1
    assert [row[3] for row in page.context["rows"] if row[0].pk == old.pk] == [True]


def test_the_queue_shows_one_building_floor_by_floor_and_delivery_by_code(world):
    top = household(world.b1, "601", "Unit 1")
    person = PersonFactory(acting_user=world.staff, household=top, name="孙丽", name_only=True)
    payload = codes.payload_for(code_issue_for_person(acting_user=world.staff, person=person).code)
    ready = parcel(acting_user=world.volunteer, household=top, state="deliverable")
    parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="holding")
    client = _client(world.volunteer)
    with queries() as few:
        page = client.get(f"/parcels/queue/?site={world.p1.pk}")
    for door in ("201", "202", "301"):
        parcel(acting_user=world.volunteer, household=household(world.b1, door), state="deliverable")
    with assert_queries(few):
        page = client.get(f"/parcels/queue/?site={world.p1.pk}")
    assert [floor for floor, _rows in page.context["floors"]] == [6, 3, 2, 1]
    assert page.context["floors"][-1][1][0][2] != ""  # the holding parcel shows its wait
    response = client.post(f"/parcels/{ready.pk}/deliver/", {"code": payload})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.state, ready.proof) == ("delivered", "code")


def test_delivery_on_hold_is_refused_on_the_page_with_the_time_left(world):
    held = parcel(acting_user=world.volunteer, household=household(world.b1, "101"), state="holding")
    Parcel.objects.filter(pk=held.pk).update(hold_until=timezone.now() + dt.timedelta(minutes=30))
    client = _client(world.volunteer)
    response = client.post(
        f"/parcels/{held.pk}/deliver/", {"code": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "wait 30 min more" in messages[0]
    assert Parcel.objects.get(pk=held.pk).state == "holding"
    hold_ended(held)


def test_the_split_page_bars_each_volunteer_and_assigning_sends_the_parcels_out(world):
    helpers = [world.volunteer] + [make_user(f"v{i}", Role.VOLUNTEER, world.p1) for i in range(3)]
    for door in ("101", "201", "301", "401", "501", "601"):
        parcel(acting_user=world.volunteer, household=household(world.b1, door), state="deliverable")
    parcel(acting_user=world.volunteer, household=household(world.b2, "301"), state="deliverable")
    client = _client(world.staff)
    page = client.get(f"/parcels/split/?site={world.p1.pk}")
    plan = page.context["plan"]
    assert len(page.context["shares"]) == 4
    assert plan.makespan >= plan.lower_bound
    assert sum(len(s["stops"]) for s in page.context["shares"]) == 7
    printed = client.get(f"/parcels/split/print/?site={world.p1.pk}")
    assert printed.status_code == 200
    assert client.post(f"/parcels/split/?site={world.p1.pk}", {"site": world.p1.pk}).status_code == 302
    assert Parcel.objects.filter(state="out").count() == 7
    assert set(Parcel.objects.values_list("courier_id", flat=True)) <= {h.pk for h in helpers}
    assert AuditEntry.objects.filter(action="parcels.assign").count() == 7


def test_the_days_export_is_a_workbook_and_is_audited(world):
    parcel(acting_user=world.volunteer, household=household(world.b1, "101"), description="1桶20斤的油")
    response = _client(world.staff).get(f"/parcels/export/?site={world.p1.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (len(rows), rows[1][1], rows[1][2]) == (2, "1桶20斤的油", 1)
    assert AuditEntry.objects.get(action="parcels.export").changes["rows"] == 1


def test_a_resident_sees_their_households_parcels_on_their_page(world):
    parcel(
        acting_user=world.volunteer, household=household(world.b1, "101"), description="45个蔬菜包", count=45
    )
    parcel(acting_user=world.volunteer, household=household(world.b1, "102"), description="别人家的")
    page = _client(world.resident).get("/mine/")
    text = page.content.decode()
    assert "45个蔬菜包 ×45" in text and "别人家的" not in text


def test_the_desks_door_picker_answers_a_volunteer_with_the_buildings_units(world):
    response = _client(world.volunteer).get(
        f"/parcels/doors/{world.p1.pk}/?door_from=block&door_block={world.b1.pk}"
    )
    assert response.status_code == 200
    assert [u.name for u in response.context["pick"].units] == ["Unit 1", "Unit 2"]
    assert f'hx-get="/parcels/doors/{world.p1.pk}/"' in response.content.decode()


def test_a_label_photo_is_shown_only_to_those_who_handle_the_door(world):
    from firstline.parcels import services

    made = services.parcel_register(
        acting_user=world.volunteer,
        household=household(world.b1, "101"),
        description="1箱牛奶",
        count=1,
        label_photo=jpeg(50),
    )
    shown = _client(world.staff).get(f"/parcels/{made.pk}/photo/label/")
    assert (shown.status_code, shown["Content-Type"], shown.content[:3]) == (
        200,
        "image/jpeg",
        b"\xff\xd8\xff",
    )
    assert _client(world.outsider).get(f"/parcels/{made.pk}/photo/label/").status_code == 404
    assert _client(world.staff).get(f"/parcels/{made.pk}/photo/door/").status_code == 404
