import pytest
from django.core.exceptions import ValidationError

from firstline.areas import selectors, services
from firstline.areas.models import Area, AreaKind, RiskStatus, RiskStatusChange
from firstline.common.audit import AuditEntry
from firstline.common.errors import NotFound, PermissionDenied
from firstline.common.paths import subtree_q
from tests.conftest import household

pytestmark = pytest.mark.django_db


def test_paths_nest_and_a_subtree_is_one_range(world):
    assert world.c1.path.startswith(world.street.path) and len(world.c1.path) == 12
    households_b1 = Area.objects.filter(subtree_q(world.b1.path), kind=AreaKind.HOUSEHOLD).count()
    assert households_b1 == 24
    assert Area.objects.filter(subtree_q(world.p1.path), kind=AreaKind.HOUSEHOLD).count() == 24 + 12 + 4
    assert Area.objects.filter(subtree_q(world.street.path), kind=AreaKind.BUILDING).count() == 4


def test_building_layout_makes_units_and_doors(world):
    assert [u.name for u in world.b1.children.order_by("sort_key")] == ["Unit 1", "Unit 2"]
    door = household(world.b1, "602", "Unit 2")
    assert (door.floor, door.door) == (6, "602")
    assert (
        world.b3.children.filter(kind=AreaKind.HOUSEHOLD).count() == 4
    )  # no units: doors hang on the building
    assert (world.b2.has_lift, world.b1.has_lift) == (True, False)


def test_child_segments_are_reserved_not_guessed(world):
    first = services.area_create(
        acting_user=world.staff, parent=world.p1, kind=AreaKind.BUILDING, name="4号楼"
    )
    Area.objects.filter(pk=first.pk).update(name="renamed")
    second = services.area_create(
        acting_user=world.staff, parent=world.p1, kind=AreaKind.BUILDING, name="5号楼"
    )
    assert int(second.path[-6:]) == int(first.path[-6:]) + 1


def test_wrong_child_kind_is_refused(world):
    with pytest.raises(ValidationError):
        services.area_create(acting_user=world.staff, parent=world.p1, kind=AreaKind.HOUSEHOLD, name="x")


def test_risk_status_history_and_effective_status(world):
    services.area_set_risk(
        acting_user=world.staff, area=world.b1, status=RiskStatus.SEALED, reason="阳性病例"
    )
    change = RiskStatusChange.objects.get()
    assert (change.old_status, change.new_status, change.reason, change.changed_by) == (
        "normal",
        "sealed",
        "阳性病例",
        world.staff,
    )
    assert selectors.area_effective_risk(area=household(world.b1, "101")) == RiskStatus.SEALED
    assert selectors.area_effective_risk(area=household(world.b2, "101")) == RiskStatus.NORMAL
    assert AuditEntry.objects.filter(action="area.risk").count() == 1


def test_risk_change_refused_to_leader_changes_nothing(world):
    with pytest.raises(PermissionDenied):
        services.area_set_risk(acting_user=world.leader, area=world.b1, status=RiskStatus.SEALED, reason="x")
    world.b1.refresh_from_db()
    assert world.b1.risk_status == RiskStatus.NORMAL and RiskStatusChange.objects.count() == 0


def test_scoped_reads(world):
    assert [a.name for a in selectors.area_roots_for(user=world.leader)] == ["1号楼", "2号楼"]
    assert selectors.area_get(user=world.leader, pk=world.b1.pk) == world.b1
    for user, area in [
        (world.leader, world.b3),
        (world.outsider, world.p1),
        (world.lab, world.b1),
        (world.resident, world.b1),
    ]:
        with pytest.raises(NotFound):
            selectors.area_get(user=user, pk=area.pk)
    assert selectors.areas_visible(user=world.resident).count() == 1


def test_staff_correct_a_building_and_the_leader_may_not(world):
    services.area_update(
        acting_user=world.staff, area=world.b1, values={"has_lift": True, "floors": 7, "note": "加装电梯"}
    )
    world.b1.refresh_from_db()
    assert (world.b1.has_lift, world.b1.floors, world.b1.note) == (True, 7, "加装电梯")
    entry = AuditEntry.objects.get(action="area.update")
    assert entry.changes == {"has_lift": [False, True], "floors": [6, 7], "note": ["", "加装电梯"]}
    with pytest.raises(PermissionDenied):
        services.area_update(acting_user=world.leader, area=world.b1, values={"name": "别名"})
    with pytest.raises(ValidationError):
        services.area_update(acting_user=world.staff, area=world.b1, values={"name": "2号楼"})
    with pytest.raises(ValidationError):
        services.area_update(acting_user=world.staff, area=world.b1, values={"door": "x"})
    world.b1.refresh_from_db()
    assert world.b1.name == "1号楼" and AuditEntry.objects.filter(action="area.update").count() == 1
