"""Builds a realistic street for the demo and for benchmarks, on sets (bulk inserts throughout).

The demo compound is shaped like 睿和新城 in seed 000: 30 buildings (walk-up and lift), 71 units,
3,500+ households, 7,800+ residents, with building and unit leaders. Everything is deterministic
for a given seed, so the demo and the benchmarks are the same every time.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from firstline.areas.models import Area, AreaKind, RiskStatusChange
from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create, household_door_name
from firstline.common import crypto
from firstline.common.identity import IdType, mask_id_number, resident_id_check_digit
from firstline.demo import names
from firstline.people.models import (
    Person,
    Relation,
    Residence,
    ResidenceStatus,
    Sex,
    Source,
    Vaccination,
    Vulnerability,
    VulnerabilityTag,
)
from firstline.survey.models import Channel, Outcome, SurveyVisit

# Districts of Datong, Shanxi (平城区, 云冈区, 新荣区, 云州区) and a few from elsewhere (tenants).
REGION_CODES = ["140213"] * 6 + ["140214"] * 3 + ["140212", "140215", "140221", "150102", "110105", "610102"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "176",
    "177",
    "180",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]


@dataclass(frozen=True)
class BuildingShape:
    units: int
    floors: int
    doors_per_floor: int
    has_lift: bool


# 19 walk-up buildings of 2 units and 11 lift buildings of 3 units: 30 buildings, 71 units, 3,654 doors.
DEMO_COMPOUND = [BuildingShape(2, 6, 3, False)] * 19 + [BuildingShape(3, 18, 5, True)] * 11
SMALL_COMPOUND = [BuildingShape(2, 6, 2, False), BuildingShape(1, 11, 2, True)]


@dataclass
class BuiltCompound:
    compound: Area
    buildings: list[Area]
    units: list[Area]
    households: list[Area]
    residents: int


@dataclass
class BuiltVillage:
    village: Area
    groups: list[Area]
    households: list[Area]
    committee: Area
    residents: int


class StreetBuilder:
    """Makes areas, people, residences, vulnerable groups and visits with a seeded random source."""

    def __init__(self, seed: int = 2022, today: dt.date | None = None):
        self.random = random.Random(seed)
        self.today = today or timezone.localdate()
        self.serials: dict[tuple[str, str], int] = {}
        self.person_count = 0

    # -- people -------------------------------------------------------------------------------
    def name(self, sex: str, age: int) -> str:
        surname = self.random.choice(names.SURNAMES)
        if age >= 60:
            chars = names.ELDER_MALE if sex == Sex.MALE else names.ELDER_FEMALE
        else:
            chars = names.MALE_CHARS if sex == Sex.MALE else names.FEMALE_CHARS
        given = self.random.choice(chars) + (self.random.choice(chars) if self.random.random() < 0.7 else "")
        return surname + given

    def resident_id(self, birth: dt.date, sex: str) -> str:
        region = self.random.choice(REGION_CODES)
        key = (region, birth.isoformat())
        serial = self.serials.get(key, self.random.randrange(0, 40)) + 1
        self.serials[key] = serial
        # The 17th digit is odd for men, even for women.
        order = serial * 2 + (1 if sex == Sex.MALE else 0)
        first17 = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
        return first17 + resident_id_check_digit(first17)

    def phone(self) -> str:
        return self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(0, 10**8):08d}"

    def birth_for_age(self, age: int) -> dt.date:
        return self.today - dt.timedelta(days=age * 365 + self.random.randrange(0, 365))

    def person(self, *, age: int, sex: str, with_phone: bool, **extra) -> tuple[Person, str]:
        birth = self.birth_for_age(age)
        roll = self.random.random()
        if age < 1 or (age < 3 and roll < 0.5):
            id_type, number = IdType.NONE, ""
        elif roll < 0.01:
            id_type, number = IdType.PASSPORT, f"E{self.random.randrange(10**7, 10**8)}"
        elif roll < 0.015:
            id_type, number = IdType.HK_MACAU_PERMIT, f"H{self.random.randrange(10**7, 10**8)}"
        else:
            id_type, number = IdType.RESIDENT_ID, self.resident_id(birth, sex)
        if age >= 80:
            vaccination = self.random.choice(
                [Vaccination.NONE, Vaccination.ONE_DOSE, Vaccination.TWO_DOSES, Vaccination.UNKNOWN]
            )
        elif age < 3:
            vaccination = Vaccination.NONE
        else:
            vaccination = self.random.choices(
                [
                    Vaccination.BOOSTER,
                    Vaccination.TWO_DOSES,
                    Vaccination.ONE_DOSE,
                    Vaccination.NONE,
                    Vaccination.UNKNOWN,
                ],
                [55, 28, 5, 4, 8],
            )[0]
        self.person_count += 1
        return Person(
            name=self.name(sex, age),
            id_type=id_type,
            id_sealed=crypto.seal(number) if number else None,
            id_hash=crypto.lookup_hash(number) if number else None,
            id_masked=mask_id_number(number),
            phone=self.phone() if with_phone else "",
            birth_date=birth,
            sex=sex,
            vaccination=vaccination,
            source=Source.IMPORT,
            **extra,
        ), number

    def household_members(self) -> list[tuple[dict, str, str]]:
        """(person fields, relation, residence status) for one household, by a plausible family shape."""
        other = lambda sex: Sex.FEMALE if sex == Sex.MALE else Sex.MALE  # noqa: E731
        shape = self.random.choices(
            ["elder_alone", "elder_couple", "couple", "family", "three_gen", "single", "tenants"],
            [6, 17, 22, 29, 7, 12, 7],
        )[0]
        head_sex = self.random.choice([Sex.MALE, Sex.FEMALE])
        members: list[tuple[dict, str, str]] = []
        if shape == "elder_alone":
            members.append(
                (
                    {"age": self.random.randint(70, 92), "sex": head_sex},
                    Relation.HEAD,
                    ResidenceStatus.RESIDENT,
                )
            )
        elif shape == "elder_couple":
            age = self.random.randint(62, 88)
            members += [
                ({"age": age, "sex": Sex.MALE}, Relation.HEAD, ResidenceStatus.RESIDENT),
                (
                    {"age": age - self.random.randint(0, 4), "sex": Sex.FEMALE},
                    Relation.SPOUSE,
                    ResidenceStatus.RESIDENT,
                ),
            ]
        elif shape in ("couple", "family", "three_gen"):
            age = self.random.randint(26, 55)
            members += [
                ({"age": age, "sex": head_sex}, Relation.HEAD, ResidenceStatus.RESIDENT),
                (
                    {"age": max(22, age + self.random.randint(-4, 3)), "sex": other(head_sex)},
                    Relation.SPOUSE,
                    ResidenceStatus.RESIDENT,
                ),
            ]
            if shape != "couple":
                for _ in range(self.random.choice([1, 1, 1, 1, 2])):
                    child_age = self.random.randint(0, max(0, min(age - 22, 25)))
                    members.append(
                        (
                            {"age": child_age, "sex": self.random.choice([Sex.MALE, Sex.FEMALE])},
                            Relation.CHILD,
                            ResidenceStatus.RESIDENT,
                        )
                    )
            if shape == "three_gen":
                members.append(
                    (
                        {
                            "age": age + self.random.randint(24, 32),
                            "sex": self.random.choice([Sex.MALE, Sex.FEMALE]),
                        },
                        Relation.PARENT,
                        ResidenceStatus.RESIDENT,
                    )
                )
        elif shape == "single":
            members.append(
                (
                    {"age": self.random.randint(22, 60), "sex": head_sex},
                    Relation.HEAD,
                    ResidenceStatus.RESIDENT,
                )
            )
        else:
            for i in range(self.random.choice([1, 2, 2, 3])):
                members.append(
                    (
                        {
                            "age": self.random.randint(20, 40),
                            "sex": self.random.choice([Sex.MALE, Sex.FEMALE]),
                        },
                        Relation.HEAD if i == 0 else Relation.OTHER,
                        self.random.choice(
                            [ResidenceStatus.TENANT, ResidenceStatus.TENANT, ResidenceStatus.TEMPORARY]
                        ),
                    )
                )
        return members

    def avoid_registered_numbers(self, people: list[Person]) -> None:
        """Give a new number to anyone whose generated ID is already in the database (one query)."""
        by_hash = {p.id_hash: p for p in people if p.id_hash}
        for taken in Person.objects.filter(id_hash__in=list(by_hash)).values_list("id_hash", flat=True):
            person = by_hash[taken]
            while True:
                number = self.resident_id(person.birth_date, person.sex)
                digest = crypto.lookup_hash(number)
                if digest not in by_hash and not Person.objects.filter(id_hash=digest).exists():
                    break
            person.id_type, person.id_sealed, person.id_hash, person.id_masked = (
                IdType.RESIDENT_ID,
                crypto.seal(number),
                digest,
                mask_id_number(number),
            )

    # -- places -------------------------------------------------------------------------------
    def build_compound(
        self,
        *,
        parent: Area,
        name: str,
        shapes: list[BuildingShape],
        vacant_share: float = 0.05,
        unreached_share: float = 0.06,
        batch_size: int = 5000,
    ) -> BuiltCompound:
        (compound,) = areas_bulk_create(parent=parent, specs=[AreaSpec(kind=AreaKind.COMPOUND, name=name)])
        buildings = areas_bulk_create(
            parent=compound,
            specs=[
                AreaSpec(
                    kind=AreaKind.BUILDING,
                    name=f"{i}号楼",
                    sort_key=i,
                    has_lift=shape.has_lift,
                    floors=shape.floors,
                )
                for i, shape in enumerate(shapes, start=1)
            ],
        )
        units: list[Area] = []
        households: list[Area] = []
        for building, shape in zip(buildings, shapes, strict=True):
            stairwells = (
                areas_bulk_create(
                    parent=building,
                    specs=[
                        AreaSpec(kind=AreaKind.UNIT, name=f"{n}单元", sort_key=n)
                        for n in range(1, shape.units + 1)
                    ],
                )
                if shape.units
                else [building]
            )
            units += [s for s in stairwells if s.kind == AreaKind.UNIT]
            for stairwell in stairwells:
                households += areas_bulk_create(
                    parent=stairwell,
                    specs=[
                        AreaSpec(
                            kind=AreaKind.HOUSEHOLD,
                            name=household_door_name(f, d),
                            floor=f,
                            door=household_door_name(f, d),
                        )
                        for f in range(1, shape.floors + 1)
                        for d in range(1, shape.doors_per_floor + 1)
                    ],
                )
        residents = self.populate(
            households, vacant_share=vacant_share, unreached_share=unreached_share, batch_size=batch_size
        )
        return BuiltCompound(
            compound=compound, buildings=buildings, units=units, households=households, residents=residents
        )

    def build_village(
        self, *, parent: Area, name: str, houses_per_group: list[int], batch_size: int = 5000
    ) -> BuiltVillage:
        """A village as its committee lists it: groups 1组 … N组 with houses 1号 … n号 (a household of
        farmers each, more of them elderly and more left alone than in town), and the committee's own
        house in no group (村委会), where the village samples."""
        (village,) = areas_bulk_create(parent=parent, specs=[AreaSpec(kind=AreaKind.VILLAGE, name=name)])
        groups = areas_bulk_create(
            parent=village,
            specs=[
                AreaSpec(kind=AreaKind.VILLAGE_GROUP, name=f"{n}组", sort_key=n)
                for n in range(1, len(houses_per_group) + 1)
            ],
        )
        households: list[Area] = []
        for group, count in zip(groups, houses_per_group, strict=True):
            households += areas_bulk_create(
                parent=group,
                specs=[
                    AreaSpec(kind=AreaKind.HOUSEHOLD, name=f"{n}号", door=f"{n}号", sort_key=n)
                    for n in range(1, count + 1)
                ],
            )
        (committee,) = areas_bulk_create(
            parent=village,
            specs=[AreaSpec(kind=AreaKind.HOUSEHOLD, name="村委会", door="村委会", sort_key=999)],
        )
        residents = self.populate(households, vacant_share=0.12, unreached_share=0.08, batch_size=batch_size)
        return BuiltVillage(
            village=village, groups=groups, households=households, committee=committee, residents=residents
        )

    def build_scattered(self, *, community: Area, street_name: str, numbers: list[int]) -> list[Area]:
        """Scattered residents (散居居民): houses of a community in no compound, known by their street
        number.
        """
        houses = areas_bulk_create(
            parent=community,
            specs=[
                AreaSpec(
                    kind=AreaKind.HOUSEHOLD,
                    name=f"{street_name}{n}号",
                    door=f"{street_name}{n}号",
                    sort_key=n,
                )
                for n in numbers
            ],
        )
        self.populate(houses, vacant_share=0.0, unreached_share=0.2, batch_size=1000)
        return houses

    def populate(
        self, households: list[Area], *, vacant_share: float, unreached_share: float, batch_size: int
    ) -> int:
        """People, residences, vulnerable groups and survey visits for the doors, inserted in batches."""
        now = timezone.now()
        total = 0
        for start in range(0, len(households), batch_size // 2):
            chunk = households[start : start + batch_size // 2]
            people: list[Person] = []
            links: list[tuple[int, Area, str, str]] = []
            tags: list[tuple[int, str, dt.date | None]] = []
            visits: list[SurveyVisit] = []
            for household in chunk:
                roll = self.random.random()
                if roll < vacant_share:
                    visits.append(
                        SurveyVisit(
                            household=household,
                            outcome=Outcome.VACANT,
                            channel=Channel.DOOR,
                            visited_at=now - dt.timedelta(days=3),
                        )
                    )
                    continue
                unreached = roll < vacant_share + unreached_share
                members = self.household_members()
                for index, (fields, relation, status) in enumerate(members):
                    person, _number = self.person(
                        age=fields["age"],
                        sex=fields["sex"],
                        with_phone=fields["age"] >= 14 and (index == 0 or self.random.random() < 0.7),
                    )
                    people.append(person)
                    links.append((len(people) - 1, household, relation, status))
                    age = fields["age"]
                    if len(members) == 1 and age >= 70:
                        tags.append((len(people) - 1, VulnerabilityTag.ELDERLY_ALONE, None))
                    if age < 3:
                        tags.append((len(people) - 1, VulnerabilityTag.INFANT, None))
                    if fields["sex"] == Sex.FEMALE and 23 <= age <= 38 and self.random.random() < 0.04:
                        tags.append(
                            (
                                len(people) - 1,
                                VulnerabilityTag.PREGNANT,
                                self.today + dt.timedelta(days=self.random.randint(10, 200)),
                            )
                        )
                    if age >= 65 and self.random.random() < 0.08:
                        tags.append((len(people) - 1, VulnerabilityTag.MOBILITY_IMPAIRED, None))
                    if age >= 50 and self.random.random() < 0.12:
                        tags.append((len(people) - 1, VulnerabilityTag.CHRONIC_MEDICATION, None))
                    if age >= 40 and self.random.random() < 0.004:
                        tags.append((len(people) - 1, VulnerabilityTag.DIALYSIS, None))
                    if index == 0 and self.random.random() < 0.03:
                        tags.append((len(people) - 1, VulnerabilityTag.LOW_INCOME, None))
                if unreached:
                    for _ in range(self.random.choice([0, 1, 1, 2])):
                        visits.append(
                            SurveyVisit(
                                household=household,
                                outcome=self.random.choice(
                                    [Outcome.NOT_HOME, Outcome.NOTICE_POSTED, Outcome.REFUSED]
                                ),
                                channel=Channel.DOOR,
                                visited_at=now - dt.timedelta(days=self.random.randint(1, 5)),
                            )
                        )
                else:
                    visits.append(
                        SurveyVisit(
                            household=household,
                            outcome=Outcome.REGISTERED,
                            channel=self.random.choice(
                                [Channel.DOOR, Channel.PHONE, Channel.PROPERTY_LIST, Channel.ONLINE]
                            ),
                            visited_at=now - dt.timedelta(days=self.random.randint(1, 10)),
                        )
                    )
            self.avoid_registered_numbers(people)
            created = Person.objects.bulk_create(people, batch_size=batch_size)
            Residence.objects.bulk_create(
                [
                    Residence(
                        person=created[i],
                        household=h,
                        relation=relation,
                        status=status,
                        moved_in=self.today - dt.timedelta(days=self.random.randint(30, 7000)),
                    )
                    for i, h, relation, status in links
                ],
                batch_size=batch_size,
            )
            Vulnerability.objects.bulk_create(
                [Vulnerability(person=created[i], tag=tag, due_date=due) for i, tag, due in tags],
                batch_size=batch_size,
                ignore_conflicts=True,
            )
            SurveyVisit.objects.bulk_create(visits, batch_size=batch_size)
            total += len(created)
        return total


def set_risk(area: Area, status: str, reason: str, by=None) -> None:
    RiskStatusChange.objects.create(
        area=area, old_status=area.risk_status, new_status=status, reason=reason, changed_by=by
    )
    Area.objects.filter(pk=area.pk).update(risk_status=status)
    area.risk_status = status


@transaction.atomic
def build_street(
    *, name: str, residents: int, seed: int = 7, compounds_per_community: int = 8
) -> tuple[Area, int]:
    """A street of communities of demo-shaped compounds, until `residents` people live in it."""
    builder = StreetBuilder(seed=seed)
    street = area_create_root(name=name)
    total = 0
    community_index = 0
    while total < residents:
        community_index += 1
        (community,) = areas_bulk_create(
            parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name=f"第{community_index}社区")]
        )
        for compound_index in range(1, compounds_per_community + 1):
            if total >= residents:
                break
            built = builder.build_compound(
                parent=community, name=f"{community_index}-{compound_index}小区", shapes=DEMO_COMPOUND
            )
            total += built.residents
    return street, total
