"""Every page a role uses daily, as that role, on the demo and on the 1,000,000-resident street:
server time (median and p90 of N requests through Django's test client), queries, bytes of HTML,
and whether each meets the targets of issue 9 (< 150 ms on the demo, < 300 ms at 1M, < 100 KB).

    python bench/bench_daily_pages.py --world demo                 # load_demo into a temporary FIRSTLINE_VAR
    python bench/bench_daily_pages.py --world street --residents 1000000
    python bench/bench_daily_pages.py --world demo --only person,duplicates --runs 21

The street is the one bench_pages.py generates (the same database, kept between runs); this script
adds what its daily pages need and the street lacks: a round of the first community, opened, with a
sampling point, and a user for each role. Nobody is sampled on the street: its coverage and missing
pages show every resident as missing, the heaviest case of those pages.

To add a page, add a line to PAGES: (role, page, URL with {placeholders}). A placeholder names a
record found in the world (see `demo_world` / `street_world`); a page whose record the world does
not have is listed as skipped, never silently dropped.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

# (role, page, URL). Roles: staff, building leader, unit leader, volunteer, lab, resident.
PAGES = [
    ("staff", "home", "/"),
    ("staff", "round", "/testing/rounds/{round}/"),
    ("staff", "coverage (compound)", "/testing/rounds/{round}/coverage/{compound}/"),
    ("staff", "missing list (compound)", "/testing/rounds/{round}/missing/{compound}/"),
    ("staff", "call-down page", "/testing/rounds/{round}/calldowns/{point}/"),
    ("staff", "positives", "/testing/rounds/{round}/positives/"),
    ("staff", "search (door)", "/search/?q={door_query}"),
    ("staff", "household", "/households/{household}/"),
    ("staff", "person", "/people/{person}/"),
    ("staff", "registration queue", "/registrations/"),
    ("staff", "registration review", "/registrations/{submission}/"),
    ("staff", "duplicates", "/people/duplicates/"),
    ("staff", "audit", "/audit/"),
    ("staff", "notices", "/notices/"),
    ("staff", "door to door (biggest building)", "/testing/rounds/{round}/door/{biggest}/?everyone=1"),
    ("building leader", "home", "/"),
    ("building leader", "coverage (building)", "/testing/rounds/{round}/coverage/{leader_building}/"),
    ("building leader", "missing list (building)", "/testing/rounds/{round}/missing/{leader_building}/"),
    ("building leader", "door-to-door buildings", "/testing/rounds/{round}/door/"),
    ("building leader", "door to door (building)", "/testing/rounds/{round}/door/{leader_building}/"),
    ("building leader", "person", "/people/{leader_person}/"),
    ("building leader", "notices", "/notices/"),
    ("unit leader", "home", "/"),
    ("unit leader", "missing list (unit)", "/testing/rounds/{round}/missing/{leader_unit}/"),
    ("unit leader", "notices", "/notices/"),
    ("volunteer", "home", "/"),
    ("volunteer", "round", "/testing/rounds/{round}/"),
    ("volunteer", "desk", "/testing/rounds/{round}/desk/?point={point}&desk=1"),
    ("volunteer", "door to door (biggest building)", "/testing/rounds/{round}/door/{biggest}/?everyone=1"),
    ("lab", "home", "/"),
    ("lab", "lab home", "/lab/"),
    ("lab", "a box", "/lab/boxes/{box}/"),
    ("resident", "home", "/"),
    ("resident", "household", "/households/{resident_household}/"),
    ("resident", "antigen report", "/antigen/"),
]

TARGETS_MS = {"demo": 150, "street": 300}
TARGET_BYTES = 100 * 1024


def _biggest_building(compound_path: str):
    """The building of the compound with the most doors (its door-to-door page is the heaviest)."""
    from collections import Counter

    from firstline.areas.models import Area, AreaKind
    from firstline.common.paths import SEGMENT_WIDTH

    doors = Area.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=compound_path).values_list(
        "path", flat=True
    )
    counts = Counter(path[: len(compound_path) + SEGMENT_WIDTH] for path in doors)
    return Area.objects.get(path=counts.most_common(1)[0][0])


def _first_resident(area_path: str):
    from firstline.people.models import Residence

    residence = (
        Residence.objects.filter(is_current=True, household__path__startswith=area_path)
        .select_related("household__parent__parent")
        .order_by("household__path", "id")
        .first()
    )
    return residence


def _door_query(household) -> str:
    unit = household.parent
    if unit.kind == "unit":
        return f"{unit.parent.name.rstrip('号楼')}-{unit.name.rstrip('单元')}-{household.door}"
    return household.door


def demo_world() -> tuple[dict, dict]:
    """The demo as load_demo makes it: its users and the records its daily pages show."""
    from django.contrib.auth import get_user_model

    from firstline.areas.models import Area
    from firstline.registration.models import SelfRegistration
    from firstline.testing.models import Box, Round, SamplingPoint

    compound = Area.objects.get(name="睿和新城")
    round_ = Round.objects.filter(area=compound.parent, status="open").order_by("-date", "-id").first()
    building = Area.objects.get(parent=compound, name="12号楼")
    users = {
        role: get_user_model().objects.get(username=name)
        for role, name in {
            "staff": "shequ",
            "building leader": "louzhang",
            "unit leader": "danyuan",
            "volunteer": "zhiyuan",
            "lab": "jiance",
            "resident": "jumin",
        }.items()
    }
    leader_building = Area.objects.get(parent=compound, name="3号楼")
    sample = _first_resident(building.path)
    leader_unit = users["unit leader"].grants.select_related("area").first().area
    resident_door = users["resident"].grants.select_related("area").first().area
    submission = SelfRegistration.objects.filter(compound=compound, status="pending").order_by("id").first()
    box = Box.objects.filter(round=round_).order_by("-id").first() if round_ else None
    world = {
        "round": round_.pk if round_ else None,
        "compound": compound.pk,
        "point": SamplingPoint.objects.filter(compound=compound)
        .order_by("id")
        .values_list("pk", flat=True)
        .first(),
        "biggest": _biggest_building(compound.path).pk,
        "household": sample.household_id,
        "person": sample.person_id,
        "door_query": _door_query(sample.household),
        "submission": submission.pk if submission else None,
        "leader_building": leader_building.pk,
        "leader_person": _first_resident(leader_building.path).person_id,
        "leader_unit": leader_unit.pk,
        "box": box.pk if box else None,
        "resident_household": resident_door.pk,
    }
    return users, world


def street_world(residents: int) -> tuple[dict, dict]:
    """The generated street (bench_pages.py's), with a round, a point and a user for each role."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.demo.builder import build_street
    from firstline.testing.models import Round, RoundStatus, SamplingPoint
    from firstline.testing.rounds.services import round_create, round_set_status, sampling_point_create

    street = Area.objects.filter(parent__isnull=True, name="基准街道").first()
    if street is None:
        started = time.perf_counter()
        street, total = build_street(name="基准街道", residents=residents)
        print(
            f"Generated {total:,} residents in {time.perf_counter() - started:.0f} s (kept for the next run)"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    community = Area.objects.filter(parent=street).order_by("path").first()
    compound = Area.objects.filter(parent=community, kind=AreaKind.COMPOUND).order_by("path").first()
    biggest = _biggest_building(compound.path)
    leader_building = Area.objects.filter(parent=compound, kind=AreaKind.BUILDING).order_by("path").first()
    leader_unit = Area.objects.filter(parent=leader_building, kind=AreaKind.UNIT).order_by("path").first()
    leader_unit = leader_unit or leader_building
    sample = _first_resident(biggest.path)
    resident_door = _first_resident(leader_building.path).household
    places = {
        "staff": (Role.COMMUNITY_STAFF, community),
        "building leader": (Role.BUILDING_LEADER, leader_building),
        "unit leader": (Role.BUILDING_LEADER, leader_unit),
        "volunteer": (Role.VOLUNTEER, compound),
        "lab": (Role.LAB, street),
        "resident": (Role.RESIDENT, resident_door),
    }
    users = {}
    for role, (grant, area) in places.items():
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{role.replace(' ', '-')}")
        Grant.objects.get_or_create(user=user, role=grant, area=area)
        users[role] = user
    round_ = Round.objects.filter(area=community, name="基准日常轮次").first()
    if round_ is None:
        round_ = round_create(
            acting_user=users["staff"], area=community, name="基准日常轮次", date=dt.date.today()
        )
        round_set_status(acting_user=users["staff"], round=round_, status=RoundStatus.OPEN)
    point = SamplingPoint.objects.filter(compound=compound).order_by("id").first() or sampling_point_create(
        acting_user=users["staff"], compound=compound, values={"name": "基准采样点", "desks": 2}
    )
    world = {
        "round": round_.pk,
        "compound": compound.pk,
        "point": point.pk,
        "biggest": biggest.pk,
        "household": sample.household_id,
        "person": sample.person_id,
        "door_query": _door_query(sample.household),
        "submission": None,
        "leader_building": leader_building.pk,
        "leader_person": _first_resident(leader_building.path).person_id,
        "leader_unit": leader_unit.pk,
        "box": None,
        "resident_household": resident_door.pk,
    }
    return users, world


def measure(users: dict, world: dict, *, runs: int, only: set[str]) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    clients = {}
    for role, name, template in PAGES:
        if only and name not in only and name.split(" (")[0] not in only:
            continue
        try:
            url = template.format(**world)
        except KeyError as missing:
            rows.append({"role": role, "page": name, "skipped": f"no {missing} in this world"})
            continue
        if "None" in url:
            rows.append({"role": role, "page": name, "skipped": "no such record in this world"})
            continue
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
            client.force_login(users[role])
        times = []
        response = None
        for _ in range(runs + 1):  # the first request warms caches and is not counted
            reset_queries()  # the log keeps 9,000 queries: counted from an empty one
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
        times = times[1:]
        ordered = sorted(times)
        p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
        rows.append(
            {
                "role": role,
                "page": name,
                "url": url,
                "status": response.status_code,
                "queries": len(captured),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "p90_ms": round(p90 * 1000, 1),
                "bytes": len(response.content),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", choices=["demo", "street"], default="demo")
    parser.add_argument("--residents", type=int, default=1_000_000, help="the street's size (--world street)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="", help="comma-separated page names (e.g. person,duplicates)")
    args = parser.parse_args()
    if args.world == "demo":
        os.environ["FIRSTLINE_VAR"] = tempfile.mkdtemp(prefix="firstline-bench-daily-")
        label = common.setup("daily_demo", fresh=True)
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"Loaded the demo in {time.perf_counter() - started:.0f} s")
        users, world = demo_world()
    else:
        # The same database as bench_pages.py: the street is generated once for both.
        label = common.setup(f"pages_{args.residents}", fresh=False)
        users, world = street_world(args.residents)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    target_ms = TARGETS_MS[args.world]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    rows = measure(users, world, runs=args.runs, only=only)
    title = "the demo" if args.world == "demo" else f"the {args.residents:,}-resident street"
    print(
        f"Daily pages on {title} ({label}), as each role; median and p90 of {args.runs} requests "
        f"(after one unmeasured); targets < {target_ms} ms and < {TARGET_BYTES // 1024} KB"
    )
    print(f"| {'page':34} | {'role':15} | median | p90 | queries | KB | meets |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        if "skipped" in row:
            print(f"| {row['page']:34} | {row['role']:15} | — | — | — | — | skipped: {row['skipped']} |")
            continue
        fast = row["p90_ms"] < target_ms
        light = row["bytes"] < TARGET_BYTES
        verdict = (
            "yes"
            if fast and light and row["status"] == 200
            else ", ".join(
                word
                for word, bad in (
                    (f"answered {row['status']}", row["status"] != 200),
                    ("slow", not fast),
                    ("heavy", not light),
                )
                if bad
            )
        )
        print(
            f"| {row['page']:34} | {row['role']:15} | {row['median_ms']:.0f} ms | {row['p90_ms']:.0f} ms | "
            f"{row['queries']} | {row['bytes'] / 1024:.0f} | {verdict} |"
        )
    common.record(f"daily_pages_{args.world}", {"database": label, "target_ms": target_ms, "pages": rows})


if __name__ == "__main__":
    main()
