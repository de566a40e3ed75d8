"""The area tree: street → community → compound → building → (unit) → door, built by `areas.services`
so that every path, sort key and door is what the services make.

`BuildingFactory(compound=p1, units=2, floors=6, doors_per_floor=2)` lays out a building with all its
doors through `building_create`; `HouseholdFactory()` is one door of a new one-door building.
"""

import factory

from firstline.areas.models import Area, AreaKind
from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create, building_create
from firstline.common.paths import ancestor_paths
from tests.factories.accounts import builder_for

STREET_WORDS = ("和平", "建设", "新华", "人民", "解放", "东风", "朝阳", "长安")
COMMUNITY_WORDS = ("幸福", "光明", "团结", "桃园", "翠苑", "金桥", "南苑", "北辰")
COMPOUND_WORDS = ("阳光花园", "锦绣家园", "翠湖苑", "紫荆公寓", "枫林小区", "丽景湾", "康乐新村", "梧桐里")


def numbered(words: tuple[str, ...], suffix: str):
    """Names from a list of real-sounding words, numbered past its end: 和平街道, 建设街道, ..., 和平2街道."""

    def name(n: int) -> str:
        round_ = n // len(words)
        return words[n % len(words)] + ("" if round_ == 0 else str(round_ + 1)) + suffix

    return name


class _AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Areas get their path from areas.services: create them, don't build them.")


class StreetFactory(_AreaFactory):
    """A street (a root of the tree), as `manage.py` makes one."""

    name = factory.Sequence(numbered(STREET_WORDS, "街道"))

    @classmethod
    def _create(cls, model_class, *, name: str):
        return area_create_root(name=name)


class _ChildFactory(_AreaFactory):
    """An area under a parent, in the service's one reservation of path segments."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *, parent: Area, **fields):
        (area,) = areas_bulk_create(parent=parent, specs=[AreaSpec(**fields)])
        return area


class CommunityFactory(_ChildFactory):
    kind = AreaKind.COMMUNITY
    parent = factory.SubFactory(StreetFactory)
    name = factory.Sequence(numbered(COMMUNITY_WORDS, "社区"))


class CompoundFactory(_ChildFactory):
    kind = AreaKind.COMPOUND
    parent = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(numbered(COMPOUND_WORDS, ""))


class BuildingFactory(_AreaFactory):
    """A building with its units and every door, laid out by `areas.services.building_create`.

    `units=0` puts the doors directly under the building. `acting_user` defaults to the street's
    coordinator (`tests.factories.accounts.builder_for`)."""

    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n + 1}幢")
    units = 1
    floors = 6
    doors_per_floor = 2
    has_lift = False
    acting_user = factory.LazyAttribute(lambda o: builder_for(o.compound))

    @classmethod
    def _create(cls, model_class, **kwargs):
        return building_create(**kwargs)


class HouseholdFactory(_AreaFactory):
    """One door (household): the first door of a new building (by default one unit, one floor, one door).

    `HouseholdFactory(building__compound=p1)` puts that building in a compound of one's own."""

    building = factory.SubFactory(BuildingFactory, units=1, floors=1, doors_per_floor=1)

    @classmethod
    def _create(cls, model_class, *, building: Area):
        return doors_of(building)[0]


def doors_of(building: Area) -> list[Area]:
    """Every door of a building (or a unit), in the order of the tree: Unit 1's 101, 102, 201, ..."""
    return list(Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=building.path).order_by("path"))


def door_in(area: Area) -> Area:
    """A door inside `area`: the area itself if it is one, a building's (or unit's) first door, else the
    door of a new building put under it (with a compound, and a community, when the area is higher)."""
    if area.kind == AreaKind.HOUSEHOLD:
        return area
    if area.kind in (AreaKind.BUILDING, AreaKind.UNIT):
        return doors_of(area)[0]
    if area.kind == AreaKind.COMMUNITY:
        area = CompoundFactory(parent=area)
    elif area.kind == AreaKind.STREET:
        area = CompoundFactory(parent__parent=area)
    return HouseholdFactory(building__compound=area)


def compound_of(area: Area) -> Area:
    """The compound a building, unit or door belongs to."""
    return Area.objects.get(kind=AreaKind.COMPOUND, path__in=[*ancestor_paths(area.path), area.path])
