import pytest
from django.core.management import call_command

from firstline.accounts.models import Grant
from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.common import crypto
from firstline.common.identity import IdType, normalise_id_number
from firstline.demo.builder import DEMO_COMPOUND
from firstline.people.models import DuplicateCandidate, Person, Residence
from firstline.registration.models import SelfRegistration, SubmissionStatus
from firstline.registration.services import registration_members
from firstline.testing.models import CallDown, Round, Sample

pytestmark = pytest.mark.django_db


def test_demo_shape_matches_seed_000():
    assert len(DEMO_COMPOUND) == 30
    assert sum(shape.units for shape in DEMO_COMPOUND) == 71
    assert sum(shape.units * shape.floors * shape.doors_per_floor for shape in DEMO_COMPOUND) == 3654


def test_small_demo_loads_once_with_valid_people_and_scoped_logins(capsys):
    call_command("load_demo", "--small")
    compound = Area.objects.get(name="睿和新城")
    assert Area.objects.filter(parent=compound, kind=AreaKind.BUILDING).count() == 2
    assert Area.objects.filter(parent__parent=compound, kind=AreaKind.UNIT).count() == 3
    assert (
        Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=compound.path).count()
        == 2 * 6 * 2 + 11 * 2
    )
    for person in Person.objects.filter(id_type=IdType.RESIDENT_ID, id_sealed__isnull=False):
        number = crypto.unseal(person.id_sealed)
        assert normalise_id_number(IdType.RESIDENT_ID, number) == number
        assert person.id_hash == crypto.lookup_hash(number)
    grants = sorted(
        (g.user.username, g.role, g.area.kind, g.area.name)
        for g in Grant.objects.select_related("user", "area")
    )
    assert grants == [
        ("cunwei", "community_staff", "village", "新添堡村"),
        ("danyuan", "building_leader", "unit", "1单元"),
        ("jiance", "lab", "street", "大庆路街道"),
        ("jiedao", "street_coordinator", "street", "大庆路街道"),
        ("jumin", "resident", "household", "101"),
        ("louzhang", "building_leader", "building", "1号楼"),
        ("louzhang", "building_leader", "building", "2号楼"),
        ("lvyuan", "community_staff", "community", "绿园社区"),
        ("quji", "street_coordinator", "district", "平城区"),
        ("shequ", "community_staff", "community", "睿和社区"),
        ("zhiyuan", "volunteer", "compound", "睿和新城"),
        ("zuzhang", "building_leader", "village_group", "3组"),
    ]
    # The street has its district above it, and a village beside its communities (seed 000).
    street = Area.objects.get(name="大庆路街道")
    assert street.parent.name == "平城区" and street.parent.kind == AreaKind.DISTRICT
    village = Area.objects.get(name="新添堡村", parent=street, kind=AreaKind.VILLAGE)
    assert list(
        Area.objects.filter(parent=village, kind=AreaKind.VILLAGE_GROUP).values_list("name", flat=True)
    ) == ["1组", "2组", "3组"]
    assert Area.objects.filter(parent__parent=village, kind=AreaKind.HOUSEHOLD).count() == 6 + 5 + 4
    assert Residence.objects.filter(household__path__startswith=village.path, is_current=True).count() > 10
    # The village samples at its committee today: groups 1 and 2 mostly done, group 3 called.
    village_round = Round.objects.get(area=village)
    assert Sample.objects.filter(round=village_round, point__name="村委会采样点").count() > 5
    assert CallDown.objects.get(round=village_round).stairwells.get().name == "3组"
    scattered = Area.objects.filter(parent__name="绿园社区", kind=AreaKind.HOUSEHOLD)
    assert scattered.count() == 6 and Residence.objects.filter(household__in=scattered).exists()
    assert Area.objects.get(name="2号楼", parent=compound).risk_status == RiskStatus.SEALED
    assert DuplicateCandidate.objects.count() == 2
    pending = SelfRegistration.objects.filter(status=SubmissionStatus.PENDING, compound=compound).order_by(
        "id"
    )
    assert [s.member_count for s in pending] == [3, 2, 1]
    for submission in pending:
        for member in registration_members(submission):
            assert normalise_id_number(IdType.RESIDENT_ID, member["id_number"]) == member["id_number"]
    people = Person.objects.count()
    out = capsys.readouterr().out
    assert "louzhang" in out and "demo-pass-2022" in out
    call_command("load_demo", "--small")
    assert Person.objects.count() == people
    assert "already loaded" in capsys.readouterr().out
