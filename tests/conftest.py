"""Fixtures shared by the whole suite: a small street with two communities and a user per role.

The world (names in the same words the pages use):

    街道 S (street)
    ├── 社区 C1 (community)
    │   └── 小区 P1 (compound)
    │       ├── 1号楼 B1: walk-up, 2 units × 6 floors × 2 doors
    │       ├── 2号楼 B2: lift, 1 unit × 3 floors × 4 doors
    │       └── 3号楼 B3: walk-up, no units, 2 floors × 2 doors
    └── 社区 C2 (community)
        └── 小区 P2 (compound)
            └── 9号楼 B9: 1 unit × 2 floors × 2 doors

Users: coordinator (S), staff (C1), leader (B1 and B2), volunteer (P1), lab (S), resident (one
door of B1), outsider (community staff of C2).
"""

from dataclasses import dataclass

import pytest

from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind
from tests.factories.accounts import GrantFactory, UserFactory
from tests.factories.areas import BuildingFactory, CommunityFactory, CompoundFactory, StreetFactory


@dataclass
class World:
    street: Area
    c1: Area
    c2: Area
    p1: Area
    p2: Area
    b1: Area
    b2: Area
    b3: Area
    b9: Area
    coordinator: object
    staff: object
    leader: object
    volunteer: object
    lab: object
    resident: object
    outsider: object


def make_user(username: str, role: str | None = None, area: Area | None = None):
    """A user known by its username only (the pages show it where a name would be), with a grant of
    `role` on `area` if given. Signs in with `tests.factories.accounts.TEST_PASSWORD`."""
    return UserFactory(username=username, first_name="", role=role, area=area)


@pytest.fixture
def world(db) -> World:
    street = StreetFactory(name="S街道")
    c1 = CommunityFactory(parent=street, name="C1社区")
    c2 = CommunityFactory(parent=street, name="C2社区")
    p1 = CompoundFactory(parent=c1, name="P1小区")
    p2 = CompoundFactory(parent=c2, name="P2小区")
    builder = make_user("builder", Role.STREET_COORDINATOR, street)
    b1 = BuildingFactory(
        acting_user=builder, compound=p1, name="1号楼", units=2, floors=6, doors_per_floor=2, has_lift=False
    )
    b2 = BuildingFactory(
        acting_user=builder, compound=p1, name="2号楼", units=1, floors=3, doors_per_floor=4, has_lift=True
    )
    b3 = BuildingFactory(
        acting_user=builder, compound=p1, name="3号楼", units=0, floors=2, doors_per_floor=2, has_lift=False
    )
    b9 = BuildingFactory(
        acting_user=builder, compound=p2, name="9号楼", units=1, floors=2, doors_per_floor=2, has_lift=False
    )
    resident_door = household(b1, "101", "Unit 1")
    leader = make_user("leader", Role.BUILDING_LEADER, b1)
    GrantFactory(user=leader, role=Role.BUILDING_LEADER, area=b2)
    return World(
        street=street,
        c1=c1,
        c2=c2,
        p1=p1,
        p2=p2,
        b1=b1,
        b2=b2,
        b3=b3,
        b9=b9,
        coordinator=make_user("coordinator", Role.STREET_COORDINATOR, street),
        staff=make_user("staff", Role.COMMUNITY_STAFF, c1),
        leader=leader,
        volunteer=make_user("volunteer", Role.VOLUNTEER, p1),
        lab=make_user("lab", Role.LAB, street),
        resident=make_user("resident", Role.RESIDENT, resident_door),
        outsider=make_user("outsider", Role.COMMUNITY_STAFF, c2),
    )


def household(building: Area, door: str, unit_name: str | None = "Unit 1") -> Area:
    """The household behind a door, e.g. household(b1, "501", "Unit 2")."""
    if unit_name is None:
        return Area.objects.get(kind=AreaKind.HOUSEHOLD, door=door, parent=building)
    return Area.objects.get(
        kind=AreaKind.HOUSEHOLD, door=door, parent__parent=building, parent__name=unit_name
    )


# Mass-testing fixtures (residents with personal codes, an open round, a sampling point), for every folder.
from tests.rural import rural  # noqa: E402, F401
from tests.testing.fixtures import point, residents, round_  # noqa: E402, F401
