"""Load the demo community: 睿和新城 shaped like seed 000, users for every role, then print logins."""

import time
import unicodedata

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create
from firstline.common.audit import audit_record
from firstline.common.identity import IdType
from firstline.demo.builder import DEMO_COMPOUND, SMALL_COMPOUND, StreetBuilder, set_risk
from firstline.demo.distribution_demo import DistributionDemo
from firstline.demo.errands_demo import ErrandsDemo
from firstline.demo.parcels_demo import ParcelsDemo
from firstline.demo.supplies_demo import SuppliesDemo
from firstline.demo.testing_demo import TestingDemo, VillageTestingDemo
from firstline.people.models import DuplicateCandidate, Person, Relation, Residence
from firstline.registration.services import registration_submit
from firstline.survey.models import Outcome, SurveyVisit

DISTRICT = "平城区"
STREET = "大庆路街道"
VILLAGE = "新添堡村"
# Houses per group of the demo village (seed 000: the village that gave 大庆路街道 its lettuce).
VILLAGE_GROUPS = [34, 41, 28, 37, 30]
SMALL_VILLAGE_GROUPS = [6, 5, 4]
LOGINS = [
    "quji",
    "jiedao",
    "shequ",
    "louzhang",
    "danyuan",
    "zhiyuan",
    "jiance",
    "jumin",
    "lvyuan",
    "cunwei",
    "zuzhang",
]
PASSWORD = "demo-pass-2022"  # noqa: S105 (the demo's published password, printed for every login)


class Command(BaseCommand):
    help = (
        "Load the demo street (30 buildings, 71 units, 3,500+ households, 7,800+ residents) and print logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="two buildings only (for tests)")
        parser.add_argument("--reset", action="store_true", help="empty the database first")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the server will answer (printed)"
        )

    def handle(self, *args, small=False, reset=False, seed=2022, url="http://127.0.0.1:8000/", **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if Area.objects.filter(parent__isnull=True, name=DISTRICT).exists():
            self.stdout.write("The demo community is already loaded.")
        else:
            started = time.perf_counter()
            counts = self.build(small=small, seed=seed)
            self.stdout.write(
                f"Loaded {counts['buildings']} buildings, {counts['units']} units, {counts['households']} "
                f"households, "
                f"{counts['residents']} residents in {time.perf_counter() - started:.1f} s."
            )
        self.print_logins(url=url)

    @transaction.atomic
    def build(self, *, small: bool, seed: int) -> dict:
        builder = StreetBuilder(seed=seed)
        district = area_create_root(name=DISTRICT, kind=AreaKind.DISTRICT)
        (street,) = areas_bulk_create(parent=district, specs=[AreaSpec(kind=AreaKind.STREET, name=STREET)])
        ruihe, lvyuan = areas_bulk_create(
            parent=street,
            specs=[
                AreaSpec(kind=AreaKind.COMMUNITY, name="睿和社区"),
                AreaSpec(kind=AreaKind.COMMUNITY, name="绿园社区"),
            ],
        )
        built = builder.build_compound(
            parent=ruihe, name="睿和新城", shapes=SMALL_COMPOUND if small else DEMO_COMPOUND
        )
        other = builder.build_compound(parent=lvyuan, name="绿园小区", shapes=SMALL_COMPOUND)
        village = builder.build_village(
            parent=street, name=VILLAGE, houses_per_group=SMALL_VILLAGE_GROUPS if small else VILLAGE_GROUPS
        )
        scattered = builder.build_scattered(
            community=lvyuan, street_name="和平巷", numbers=[3, 5, 7, 9, 11, 15]
        )
        buildings = {b.name: b for b in built.buildings}
        units = {(u.parent_id, u.name): u for u in built.units}
        sealed = buildings["2号楼"] if small else buildings["7号楼"]
        set_risk(sealed, RiskStatus.SEALED, "楼内发现阳性病例，封控管理")
        controlled_unit = (
            units[(buildings["1号楼"].pk, "2单元")] if small else units[(buildings["12号楼"].pk, "2单元")]
        )
        set_risk(controlled_unit, RiskStatus.CONTROLLED, "密接人员居住单元")
        set_risk(built.compound, RiskStatus.PRECAUTION, "全员核酸期间")
        self.make_duplicate_pairs(built)
        self.make_pending_registrations(builder, built)
        users = self.make_users(district, street, ruihe, lvyuan, village, built, buildings, small)
        TestingDemo(built=built, users={u.username: u for u in users}, small=small).load()
        VillageTestingDemo(village=village, users={u.username: u for u in users}).load()
        SuppliesDemo(
            street=street, community=ruihe, compound=built.compound, users={u.username: u for u in users}
        ).load()
        DistributionDemo(
            street=street,
            community=ruihe,
            compound=built.compound,
            users={u.username: u for u in users},
            password=PASSWORD,
            small=small,
        ).load()
        ParcelsDemo(built=built, users={u.username: u for u in users}).load()
        ErrandsDemo(built=built, users={u.username: u for u in users}).load()
        audit_record(
            actor=None,
            action="demo.load",
            target=street,
            area_path=street.path,
            changes={
                "households": len(built.households)
                + len(other.households)
                + len(village.households)
                + len(scattered),
                "residents": built.residents + other.residents + village.residents,
                "users": len(users),
            },
        )
        return {
            "buildings": len(built.buildings),
            "units": len(built.units),
            "households": len(built.households),
            "residents": built.residents,
        }

    def make_duplicate_pairs(self, built) -> None:
        """Two pairs of records that may be one person without an ID number, as a phone call and a
        paper form produce them: one in the same household, one an elder also listed at a child's door."""
        no_id = (
            Residence.objects.filter(
                household__path__startswith=built.compound.path,
                person__id_hash__isnull=True,
                person__birth_date__isnull=False,
            )
            .select_related("person", "household")
            .order_by("id")
        )
        same_door = no_id.first()
        if same_door is None:
            same_door = (
                Residence.objects.filter(household__path__startswith=built.compound.path)
                .select_related("person", "household")
                .order_by("id")
                .first()
            )
        elder = (
            Residence.objects.filter(
                household__path__startswith=built.compound.path,
                relation=Relation.HEAD,
                person__birth_date__lte="1950-01-01",
            )
            .exclude(household=same_door.household)
            .select_related("person", "household")
            .order_by("-id")
            .first()
        )
        elsewhere = next(
            h for h in reversed(built.households) if h.pk not in (same_door.household_id, elder.household_id)
        )
        for residence, household, relation, reason in [
            (same_door, same_door.household, same_door.relation, "同户同名同电话，无证件号码"),
            (elder, elsewhere, Relation.PARENT, "同名同出生日期，另一户登记为父母"),
        ]:
            original = residence.person
            twin = Person.objects.create(
                name=original.name,
                phone=original.phone,
                birth_date=original.birth_date,
                sex=original.sex,
                id_type=IdType.NONE,
                source="visit",
            )
            Residence.objects.create(
                person=twin, household=household, relation=relation, status=residence.status
            )
            DuplicateCandidate.objects.create(person=twin, other=original, reason=reason)

    def make_pending_registrations(self, builder: StreetBuilder, built) -> None:
        """Three households never reached by a visit sent the online form; they wait for review."""
        reached = SurveyVisit.objects.filter(outcome__in=[Outcome.REGISTERED, Outcome.VACANT]).values(
            "household_id"
        )
        doors = (
            Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=built.compound.path)
            .exclude(pk__in=reached)
            .order_by("id")[:3]
        )
        for index, household in enumerate(doors):
            members = []
            for age, sex, relation in [(41, "M", "head"), (38, "F", "spouse"), (9, "F", "child")][
                : 3 - index
            ]:
                birth = builder.birth_for_age(age)
                members.append(
                    {
                        "name": builder.name(sex, age),
                        "id_type": IdType.RESIDENT_ID,
                        "id_number": builder.resident_id(birth, sex),
                        "birth_date": birth.isoformat(),
                        "sex": sex,
                        "relation": relation,
                        "phone": builder.phone() if age >= 14 else "",
                    }
                )
            registration_submit(
                compound=built.compound,
                household=household,
                address_text="",
                contact_phone=members[0]["phone"],
                members=members,
                submission_key=f"demo-self-registration-{household.pk:08d}",
                client_ip=f"10.0.0.{index + 1}",
            )

    def make_users(self, district, street, ruihe, lvyuan, village, built, buildings, small) -> list:
        users_model = get_user_model()
        leader_buildings = (
            [buildings["1号楼"], buildings["2号楼"]] if small else [buildings["3号楼"], buildings["5号楼"]]
        )
        unit = next(
            u for u in built.units if u.parent_id == (buildings["1号楼"] if small else buildings["12号楼"]).pk
        )
        resident_home = (
            Residence.objects.filter(household__in=built.households, is_current=True)
            .order_by("id")
            .first()
            .household
        )
        plan = [
            ("quji", "区 防控办 孙主任", Role.STREET_COORDINATOR, [district]),
            ("jiedao", "街道 赵主任", Role.STREET_COORDINATOR, [street]),
            ("shequ", "社区 麻书记", Role.COMMUNITY_STAFF, [ruihe]),
            ("louzhang", "楼长 王鹏", Role.BUILDING_LEADER, leader_buildings),
            ("danyuan", "单元长 李磊", Role.BUILDING_LEADER, [unit]),
            ("zhiyuan", "志愿者 贾令君", Role.VOLUNTEER, [built.compound]),
            ("jiance", "检测机构", Role.LAB, [street]),
            ("jumin", "居民 刘女士", Role.RESIDENT, [resident_home]),
            ("lvyuan", "绿园社区 王书记", Role.COMMUNITY_STAFF, [lvyuan]),
            ("cunwei", "新添堡村 张书记", Role.COMMUNITY_STAFF, [village.village]),
            ("zuzhang", "3组 组长 郭建平", Role.BUILDING_LEADER, [village.groups[2]]),
        ]
        made = []
        for username, full_name, role, areas in plan:
            user = users_model.objects.create_user(username=username, password=PASSWORD, first_name=full_name)
            Grant.objects.bulk_create([Grant(user=user, role=role, area=area) for area in areas])
            made.append(user)
        return made

    def print_logins(self, *, url: str) -> None:
        rows = (
            Grant.objects.filter(user__username__in=LOGINS)
            .select_related("user", "area", "area__parent", "area__parent__parent")
            .order_by("user__date_joined", "user__id", "area__path")
        )
        by_user: dict[str, tuple[str, list[str]]] = {}
        for grant in rows:
            entry = by_user.setdefault(grant.user.username, (grant.title, []))
            area = grant.area
            if area.kind in ("unit", "village_group"):
                label = f"{area.parent.name} {area.name}"
            elif area.kind == "household":
                label = f"{area.parent.parent.name} {area.parent.name} {area.name}"
            else:
                label = area.name
            entry[1].append(label)
        self.stdout.write(f"\nSign in at {url} with any of these (password for all: {PASSWORD}):\n")
        self.stdout.write(f"  {'username':<10} {pad('role', 26)} area")
        for username, (role, areas) in by_user.items():
            self.stdout.write(f"  {username:<10} {pad(str(role), 26)} {', '.join(areas)}")


def pad(text: str, width: int) -> str:
    """Left-align in a terminal column; Chinese characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)
