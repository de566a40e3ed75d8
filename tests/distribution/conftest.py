import pytest

from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind
from tests.factories.accounts import GrantFactory
from tests.factories.distribution import lettuce_campaign, lettuce_store


@pytest.fixture
def unit_leader(world):
    """The unit leader (单元长) of 1号楼 Unit 2."""
    from tests.conftest import make_user

    unit2 = Area.objects.get(parent=world.b1, kind=AreaKind.UNIT, name="Unit 2")
    return make_user("unitlead", Role.BUILDING_LEADER, unit2)


@pytest.fixture
def store(world):
    return lettuce_store(acting_user=world.staff, area=world.c1, jin="1000")


@pytest.fixture
def campaign(world, store, unit_leader):
    """P1's lettuce in two batches: 1号楼 first, then 2号楼 and 3号楼 (3号楼 has no leader)."""
    warehouse, item = store
    return lettuce_campaign(
        acting_user=world.staff,
        warehouse=warehouse,
        item=item,
        scope=[world.p1],
        batches=[[world.b1.pk], [world.b2.pk, world.b3.pk]],
    )


__all__ = ["GrantFactory"]
