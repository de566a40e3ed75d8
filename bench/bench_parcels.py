"""Gate parcels at a big compound's gate: the courier's queue page at 10,000 open parcels, and the
split of 2,000 deliverable parcels over 20 volunteers.

A compound of 60 walk-up and lift buildings (3 units, 18 or 6 floors, 2 doors a floor: 4,680
doors) is made fresh, with 10,000 open parcels (2,000 deliverable and unassigned, the rest holding,
registered or out with a courier) written by bulk_create, and 20 volunteers. Figures, each beside
a baseline measured in the same run:

- queue: `GET /parcels/queue/` through Django's test client signed in as a volunteer, median and
  p95 of 20 runs after one unmeasured. Baseline: the bare SQL the page needs (the per-building
  counts and one building's rows), run through a cursor.
- split: `delivery_split` (the jobs query, the cost model, LPT and the local improvement) for the
  2,000 parcels over 20 volunteers, median of 5 runs, printed with its makespan against the lower
  bound. Baseline: the bare query that fetches the same 2,000 parcels.

    python bench/bench_parcels.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_parcels.py
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

BUILDINGS = 60
OPEN = 10_000
DELIVERABLE = 2_000
VOLUNTEERS = 20


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create, building_create
    from firstline.parcels.models import Parcel

    street = area_create_root(name="代收基准街道")
    (community,) = areas_bulk_create(
        parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="基准社区")]
    )
    (compound,) = areas_bulk_create(
        parent=community, specs=[AreaSpec(kind=AreaKind.COMPOUND, name="基准小区")]
    )
    users = get_user_model().objects
    staff = users.create_user(username="bench_staff", password=None)  # signed in with force_login
    Grant.objects.create(user=staff, role=Role.COMMUNITY_STAFF, area=community)
    volunteers = []
    for n in range(VOLUNTEERS):
        volunteer = users.create_user(username=f"bench_v{n:02d}", password=None)  # signed in with force_login
        Grant.objects.create(user=volunteer, role=Role.VOLUNTEER, area=compound)
        volunteers.append(volunteer)
    for n in range(BUILDINGS):
        lift = n % 3 == 0
        building_create(
            acting_user=staff,
            compound=compound,
            name=f"{n + 1}号楼",
            units=3,
            floors=18 if lift else 6,
            doors_per_floor=2,
            has_lift=lift,
        )
    doors = list(
        Area.objects.filter(path__startswith=compound.path, kind=AreaKind.HOUSEHOLD)
        .select_related("parent")
        .order_by("path")
    )
    now = timezone.now()
    rows = []
    for n in range(OPEN):
        door = doors[(n * 7919) % len(doors)]
        kind = "deliverable" if n < DELIVERABLE else ("holding", "registered", "out")[n % 3]
        disinfected = kind != "registered"
        rows.append(
            Parcel(
                compound=compound,
                household=door,
                household_path=door.path,
                block_id=door.parent.parent_id,
                floor=door.floor or 1,
                description=("2袋50斤的面粉", "1桶20斤的油", "45个蔬菜包", "1袋50斤的大米")[n % 4],
                count=1 + n % 3,
                weight_class=("light", "medium", "heavy", "light")[n % 4],
                state={"deliverable": "holding"}.get(kind, kind),
                registered_at=now - dt.timedelta(hours=3),
                registered_by=staff,
                disinfected_at=now - dt.timedelta(hours=2, minutes=30) if disinfected else None,
                disinfected_by=staff if disinfected else None,
                hold_until=(
                    now - dt.timedelta(minutes=30) if kind != "holding" else now + dt.timedelta(hours=1)
                )
                if disinfected
                else None,
                courier=volunteers[n % VOLUNTEERS] if kind == "out" else None,
                assigned_at=now if kind == "out" else None,
            )
        )
    Parcel.objects.bulk_create(rows, batch_size=2000)
    return compound, volunteers[0], staff


def main() -> None:
    label = common.setup("parcels", fresh=True)
    compound, volunteer, staff = build()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from firstline.parcels.models import Parcel
    from firstline.parcels.selectors import delivery_split

    client = Client()
    client.force_login(volunteer)
    url = f"/parcels/queue/?site={compound.pk}"
    assert client.get(url).status_code == 200
    page = common.summary(common.timed(lambda: client.get(url), runs=20))
    block = Parcel.objects.filter(compound=compound).values_list("block_id", flat=True).first()

    def bare_queue():
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT block_id, COUNT(*) FROM parcels_parcel WHERE compound_id = %s AND state IN "
                "('holding', 'returned', 'out') GROUP BY block_id",
                [compound.pk],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT p.id, p.description, p.count, p.hold_until, h.door, u.name FROM parcels_parcel p "
                "JOIN areas_area h ON h.id = p.household_id JOIN areas_area u ON u.id = h.parent_id "
                "WHERE p.compound_id = %s AND p.block_id = %s AND (p.state IN ('holding', 'returned') "
                "OR (p.state = 'out' AND p.courier_id = %s)) ORDER BY p.floor DESC, p.household_path",
                [compound.pk, block, volunteer.pk],
            )
            cursor.fetchall()
        return now

    bare = common.summary(common.timed(bare_queue, runs=20))
    print(f"[{label}] {Parcel.objects.count():,} open parcels, {BUILDINGS} buildings")
    print(
        f"  courier queue page: median {page['median_ms']} ms, p95 {page['p95_ms']} ms "
        f"(bare SQL {bare['median_ms']} ms; target < 100 ms)"
    )
    views = []
    split_times = common.timed(lambda: views.append(delivery_split(user=staff, site=compound)), runs=5)
    split = common.summary(split_times)
    plan = views[-1].plan
    jobs = sum(len(s.jobs) for s in plan.shares)
    parcels = sum(len(j.parcels) for s in plan.shares for j in s.jobs)

    def bare_split():
        list(
            Parcel.objects.filter(
                compound=compound, courier__isnull=True, state="holding", hold_until__lte=timezone.now()
            ).values_list("pk", "household_id", "floor")
        )

    bare_fetch = common.summary(common.timed(bare_split, runs=5))
    print(
        f"  split of {parcels:,} parcels ({jobs} stairwell-floor jobs) over {len(plan.shares)} volunteers: "
        f"median {split['median_ms']} ms (bare fetch {bare_fetch['median_ms']} ms; target < 1 s)"
    )
    print(
        f"  makespan {plan.makespan / 60:.1f} min against the lower bound {plan.lower_bound / 60:.1f} min "
        f"(×{plan.ratio:.3f})"
    )
    common.record(
        f"parcels ({label})",
        {
            "queue_page": page,
            "queue_bare_sql": bare,
            "split": split,
            "split_bare_fetch": bare_fetch,
            "parcels": parcels,
            "jobs": jobs,
            "makespan_s": plan.makespan,
            "lower_bound_s": plan.lower_bound,
        },
    )


if __name__ == "__main__":
    main()
