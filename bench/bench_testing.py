"""Mass testing at a city's scale: scan sync, single scans, coverage and a positive pool.

A street with one community of ~100,000 residents is generated once (the demo builder), with a
personal code for everyone, a sampling point per compound, leaders for every building, and the
samples of 10 past rounds plus a current round 60% sampled (about 1,000,000 samples, written by
bulk SQL); the database is kept for the next run. Every figure is printed beside a baseline
measured in the same run:

- sync: batches of scans (by personal code, at the compounds' points, into 10-person tubes) sent
  by 2 concurrent clients through the HTTP API (gunicorn, bearer token) on PostgreSQL; then one
  batch sent again (it must store 0). Baseline: the same sample rows inserted raw
  (`INSERT … SELECT unnest(…)`), in the same batches from 2 connections. Also in-process
  (`scans_record` called directly, no HTTP) on both databases.
- single: `POST /rounds/{id}/scans` driven by wrk (`bench/scan_one.lua`), requests per second
  and latency percentiles, at 2 and 8 connections. Baseline: the raw insert rate.
- coverage: `round_coverage` of the community and `round_missing` of a building (median and p95
  of 20 runs). Baseline: the bare SQL of the coverage, and a bare query for the ids of the same
  missing residents.
- positive: `results_report` of one positive 10-person pooled tube whose box was received (pool
  positive, re-sample tasks, notices to the leaders). Baseline: the bare UPDATE and INSERT of the
  same samples and tasks (rolled back).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_testing.py
    python bench/bench_testing.py                       # SQLite: coverage, positive, in-process sync

The HTTP parts need gunicorn (a dependency in pyproject.toml: `pip install -e .`) and wrk
(`apt-get install -y wrk` on Debian); a part whose tool is missing is skipped with the reason. The
server runs with gunicorn.conf.py; beside each HTTP figure the benchmark prints the CPU time
the workers and PostgreSQL spent per sample or request, which holds when other programs share the
machine and wall-clock figures do not. The rounds a run makes for its scans are removed at its
start and end, so the kept data stays as generated (the positive part adds 70 samples a run to the
current round).
"""

import argparse
import gc
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

HERE = Path(__file__).resolve().parent
STREET = "核酸基准街道"
HISTORY_ROUNDS = 10
# Share of the current round's residents already sampled (person id % 10 below this), and exempt.
CURRENT_SAMPLED_TENTHS = 6
SCRATCH = "bench-scratch"  # rounds made by a run and removed at its start and end


# The bare conditions of the baselines: a live screening sample of the person in the round; an exemption.
LIVE_SCREENING = (
    "SELECT 1 FROM testing_sample s WHERE s.round_id = %s AND s.person_id = r.person_id "
    "AND s.purpose = 'screening' AND NOT (s.state = 'invalid')"
)
EXEMPT = "SELECT 1 FROM testing_exemption e WHERE e.round_id = %s AND e.person_id = r.person_id"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--parts", default="sync,single,coverage,positive")
    parser.add_argument(
        "--sync-samples", type=int, default=200_000, help="samples sent through the batch API"
    )
    parser.add_argument(
        "--inproc-samples", type=int, default=50_000, help="samples sent to scans_record directly"
    )
    parser.add_argument("--batch", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class: gthread keeps connections alive"
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk")
    parser.add_argument(
        "--connections",
        type=lambda v: [int(c) for c in v.split(",")],
        default=[2, 8],
        help="wrk connections, one run for each (comma-separated)",
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--positive-runs", type=int, default=7)
    args = parser.parse_args()
    # Production settings in the benchmark process and in the server: DEBUG keeps every query.
    os.environ.setdefault("FIRSTLINE_DEBUG", "0")
    label = common.setup(f"testing_{args.residents}", fresh=False)
    # As the server does once Django is loaded (gunicorn.conf.py): collections then skip the
    # application's own objects.
    gc.freeze()
    parts = set(args.parts.split(","))

    world = ensure_world(args.residents)
    figures: dict = {"database": label, **world.describe()}
    print(
        f"Mass testing on {label}: {world.residents:,} residents in {world.community.name}, "
        f"{world.samples:,} samples stored, round {world.current.name} {world.current_share}; {_load()}"
    )
    remove_scratch_rounds()
    try:
        raw_rate = None
        if "sync" in parts:
            raw_rate = bench_sync(world, args, label, figures)
        if "single" in parts:
            bench_single(world, args, label, figures, raw_rate)
        if "coverage" in parts:
            bench_coverage(world, args, figures)
        if "positive" in parts:
            bench_positive(world, args, figures)
    finally:
        remove_scratch_rounds()
    common.record(f"testing_{label.lower()}", figures)


# ---------------------------------------------------------------------------------------------
# The world: generated once, kept


class World:
    def __init__(self, street, community, current, staff, volunteer, lab):
        from django.db.models import Count

        from firstline.people.models import Residence
        from firstline.testing.models import Round, Sample

        self.street, self.community, self.current = street, community, current
        self.staff, self.volunteer, self.lab = staff, volunteer, lab
        self.residents = Residence.objects.filter(
            is_current=True, household__path__startswith=community.path
        ).count()
        self.samples = Sample.objects.count()
        self.rounds = Round.objects.filter(area=community).exclude(name__startswith=SCRATCH).count()
        sampled = Sample.objects.filter(round=current).aggregate(n=Count("pk"))["n"]
        self.current_share = f"{sampled:,} of {self.residents:,} sampled"

    def describe(self) -> dict:
        return {
            "residents": self.residents,
            "samples_stored": self.samples,
            "rounds": self.rounds,
            "current_round": self.current_share,
        }


def ensure_world(residents: int) -> World:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area
    from firstline.demo.builder import build_street
    from firstline.testing.models import Round

    users = {
        name: get_user_model().objects.get_or_create(username=f"bench-{name}")[0]
        for name in ("staff", "volunteer", "lab")
    }
    street = Area.objects.filter(parent__isnull=True, name=STREET).first()
    if street is None:
        started = time.perf_counter()
        # One community: compounds of ~7,800 residents until `residents` live in it.
        street, total = build_street(
            name=STREET, residents=residents, compounds_per_community=residents // 7000 + 1
        )
        print(
            f"Generated {total:,} residents in {time.perf_counter() - started:.0f} s (kept for the next run)"
        )
    community = Area.objects.filter(parent=street).order_by("path").first()
    Grant.objects.get_or_create(user=users["staff"], role=Role.COMMUNITY_STAFF, area=community)
    Grant.objects.get_or_create(user=users["volunteer"], role=Role.VOLUNTEER, area=community)
    Grant.objects.get_or_create(user=users["lab"], role=Role.LAB, area=street)
    current = Round.objects.filter(area=community, name="本轮全员核酸").first()
    if current is None:
        started = time.perf_counter()
        current = generate_history(community, users["staff"])
        print(
            f"Generated codes, points, leaders and {HISTORY_ROUNDS} + 1 rounds of samples in "
            f"{time.perf_counter() - started:.0f} s (kept for the next run)"
        )
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have gathered them on a live server by now.
        cursor.execute("ANALYZE")
    return World(street, community, current, users["staff"], users["volunteer"], users["lab"])


def generate_history(community, staff):
    """Codes, points, leaders, 10 closed rounds with everyone sampled and negative, and the current
    round with 60% sampled and 1% exempt: all by bulk SQL."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.common.paths import subtree_upper_bound
    from firstline.testing.models import RoundStatus, SamplingPoint
    from firstline.testing.rounds import services

    upper = subtree_upper_bound(community.path)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registration_personalcode (code, kind, person_id, created_at) "
            "SELECT 'bench' || r.person_id, 'person', r.person_id, %s FROM people_residence r "
            "JOIN areas_area h ON h.id = r.household_id WHERE r.is_current AND h.path >= %s AND h.path < %s",
            [now, community.path, upper],
        )
        compounds = list(Area.objects.filter(parent=community, kind=AreaKind.COMPOUND).order_by("path"))
        SamplingPoint.objects.bulk_create(
            [SamplingPoint(compound=c, name=f"{c.name}东门采样点", desks=4) for c in compounds]
        )
        buildings = list(
            Area.objects.filter(path__startswith=community.path, kind=AreaKind.BUILDING).order_by("path")
        )
        leaders = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"bench-leader-{b.pk}") for b in buildings]
        )
        Grant.objects.bulk_create(
            [
                Grant(user=u, role=Role.BUILDING_LEADER, area=b)
                for u, b in zip(leaders, buildings, strict=True)
            ]
        )
    today = timezone.localdate()
    for back in range(
        HISTORY_ROUNDS, -1, -1
    ):  # the current round last: its presence says the data is complete
        day = today - dt.timedelta(days=back)
        name = "本轮全员核酸" if back == 0 else f"第{HISTORY_ROUNDS - back + 1}轮全员核酸"
        round = services.round_create(acting_user=staff, area=community, name=name, date=day)
        round = services.round_set_status(acting_user=staff, round=round, status=RoundStatus.OPEN)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        with transaction.atomic():
            if back:
                _fill_round(round, community, at, state="negative", result="negative", extra="")
            else:
                _fill_round(
                    round,
                    community,
                    at,
                    state="pending",
                    result="pending",
                    extra=f"AND r.person_id %% 10 < {CURRENT_SAMPLED_TENTHS}",
                )
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO testing_exemption (round_id, person_id, reason, note, household_path, "
                        "created_at) "
                        "SELECT %s, r.person_id, 'away', '', h.path, %s FROM people_residence r "
                        "JOIN areas_area h ON h.id = r.household_id "
                        "WHERE r.is_current AND h.path >= %s AND h.path < %s AND r.person_id %% 100 = 99",
                        [round.pk, at, community.path, upper],
                    )
        if back:
            services.round_set_status(acting_user=staff, round=round, status=RoundStatus.CLOSED)
        print(f"  {name}: samples written", flush=True)
    return round


def _fill_round(round, community, at, *, state: str, result: str, extra: str) -> None:
    """Everyone (matching `extra`) sampled at their compound's point, 10 to a tube."""
    from django.db import connection

    from firstline.common.paths import SEGMENT_WIDTH, subtree_upper_bound

    width = len(community.path) + SEGMENT_WIDTH
    new_id = "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    ranked = (
        "SELECT r.person_id, r.household_id, h.path, p.id AS point_id, c.path AS compound, "
        "(ROW_NUMBER() OVER (PARTITION BY p.id ORDER BY h.path, r.person_id) - 1) / 10 AS n "
        "FROM people_residence r JOIN areas_area h ON h.id = r.household_id "
        f"JOIN areas_area c ON c.path = substr(h.path, 1, {width}) "
        "JOIN testing_samplingpoint p ON p.compound_id = c.id "
        f"WHERE r.is_current AND h.path >= %s AND h.path < %s {extra}"
    )
    code = f"'H{round.pk}-' || g.point_id || '-' || g.n"
    bounds = [community.path, subtree_upper_bound(community.path)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO testing_tube (round_id, code, capacity, per_household, filled, status, "
            "for_resample, point_id, "  # noqa: S608
            "desk, door_to_door, area_path, opened_at, closed_at, result) "
            f"SELECT %s, {code}, 10, %s, COUNT(*), 'closed', %s, g.point_id, 1, %s, MIN(g.compound), %s, "
            f"%s, %s "
            f"FROM ({ranked}) g GROUP BY g.point_id, g.n",
            [round.pk, False, False, False, at, at, result, *bounds],
        )
        cursor.execute(
            "INSERT INTO testing_sample (id, round_id, person_id, tube_id, purpose, state, household_id, "
            "household_path, "  # noqa: S608
            "out_of_scope, door_to_door, point_id, desk, scanned_at, stored_at) "
            f"SELECT {new_id}, %s, g.person_id, t.id, 'screening', %s, g.household_id, g.path, %s, %s, "
            f"g.point_id, 1, %s, %s "
            f"FROM ({ranked}) g JOIN testing_tube t ON t.code = {code}",
            [round.pk, state, False, False, at, at, *bounds],
        )


def remove_scratch_rounds() -> None:
    """Rounds a run made for its scans (and their tubes, samples, audit rows): the kept data stays as
    generated.
    """
    from django.db import connection, transaction

    from firstline.testing.models import Box, ResampleTask, Round, Sample, Tube

    ids = list(Round.objects.filter(name__startswith=SCRATCH).values_list("pk", flat=True))
    if not ids:
        return
    with transaction.atomic():
        ResampleTask.objects.filter(round_id__in=ids).delete()
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM testing_sample WHERE round_id IN ({marks})", ids)  # noqa: S608
            cursor.execute(f"DELETE FROM testing_tube WHERE round_id IN ({marks})", ids)  # noqa: S608
        Sample.objects.filter(round_id__in=ids).delete()
        Tube.objects.filter(round_id__in=ids).delete()
        Box.objects.filter(round_id__in=ids).delete()
        Round.objects.filter(pk__in=ids).delete()


def scratch_round(world: World, what: str):
    from django.utils import timezone

    from firstline.testing.models import RoundStatus
    from firstline.testing.rounds import services

    round = services.round_create(
        acting_user=world.staff, area=world.community, name=f"{SCRATCH} {what}", date=timezone.localdate()
    )
    return services.round_set_status(acting_user=world.staff, round=round, status=RoundStatus.OPEN)


def people_at_points(world: World) -> list[tuple[int, str, int]]:
    """(person id, personal-code payload, their compound's point id) for every resident, by compound and
    door.
    """
    from django.db import connection

    from firstline.common.paths import SEGMENT_WIDTH, subtree_upper_bound
    from firstline.registration.codes import payload_for

    width = len(world.community.path) + SEGMENT_WIDTH
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.person_id, p.id FROM people_residence r JOIN areas_area h ON h.id = r.household_id "
            f"JOIN areas_area c ON c.path = substr(h.path, 1, {width}) JOIN testing_samplingpoint p ON "
            f"p.compound_id = c.id "
            "WHERE r.is_current AND h.path >= %s AND h.path < %s ORDER BY h.path, r.person_id",
            [world.community.path, subtree_upper_bound(world.community.path)],
        )
        rows = cursor.fetchall()
    return [(person_id, payload_for(f"bench{person_id}"), point_id) for person_id, point_id in rows]


def scan_batches(people, *, tag: str, batch: int) -> list[list[dict]]:
    """Scans of these people, 10 to a tube per point (a close scan for a tube left part-full), in batches."""
    scans: list[dict] = []
    tube_no = 0
    by_point: dict[int, list[tuple[int, str, int]]] = {}
    for person in people:
        by_point.setdefault(person[2], []).append(person)
    for point_id, group in by_point.items():
        for start in range(0, len(group), 10):
            tube_no += 1
            tube = f"S{tag}-{tube_no}"
            for _person_id, payload, _point in group[start : start + 10]:
                scans.append(
                    {
                        "client_id": str(uuid.uuid4()),
                        "tube_code": tube,
                        "person_code": payload,
                        "point_id": point_id,
                        "desk": 1 + tube_no % 4,
                    }
                )
            if len(group[start : start + 10]) < 10:
                scans.append({"client_id": str(uuid.uuid4()), "kind": "close", "tube_code": tube})
    return [scans[i : i + batch] for i in range(0, len(scans), batch)]


# ---------------------------------------------------------------------------------------------
# Scan sync


def bench_sync(world: World, args, label: str, figures: dict) -> float:
    """Batches through HTTP (PostgreSQL) and in-process; returns the raw insert rate (rows/s)."""
    from firstline.testing.models import Sample

    people = people_at_points(world)
    # In-process: scans_record called directly, one client; then the raw insert of the same rows.
    rounds = [scratch_round(world, "inproc")]
    batches = scan_batches(people[: args.inproc_samples], tag=uuid.uuid4().hex[:8].upper(), batch=args.batch)
    elapsed = inproc_sync(world, rounds[0], batches)
    stored = Sample.objects.filter(round=rounds[0]).count()
    raw = raw_insert(world, rounds, batch=args.batch, connections=1)
    inproc = {
        "samples": stored,
        "seconds": round(elapsed, 2),
        "samples_per_s": round(stored / elapsed),
        "batch": args.batch,
        "raw_rows_per_s": raw,
    }
    figures["sync_inprocess"] = inproc
    print(
        f"  sync in-process (scans_record, 1 client, batches of {args.batch:,}): {stored:,} samples in "
        f"{elapsed:.1f} s = "
        f"{inproc['samples_per_s']:,}/s   raw insert {raw:,} rows/s   "
        f"×{round(raw / inproc['samples_per_s'], 1)} slower"
    )
    if label != "PostgreSQL":
        print("  sync through HTTP: SKIPPED (measured on PostgreSQL only; set DATABASE_URL=postgres://...)")
        return raw
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    if not Path(gunicorn).exists():
        print("  sync through HTTP: SKIPPED (gunicorn missing: pip install -e . installs it)")
        return raw
    with Server(world, args) as server:
        per_round = len(people)
        rounds = [scratch_round(world, f"sync {i + 1}") for i in range(-(-args.sync_samples // per_round))]
        work: list[tuple[int, list[dict]]] = []
        left = args.sync_samples
        for sync_round in rounds:
            take = people[: min(left, per_round)]
            left -= len(take)
            work += [
                (sync_round.pk, b)
                for b in scan_batches(take, tag=uuid.uuid4().hex[:8].upper(), batch=args.batch)
            ]
        bodies = [(rid, json.dumps({"scans": b}).encode()) for rid, b in work]
        queues = [bodies[i :: args.clients] for i in range(args.clients)]
        totals = {"stored": 0, "duplicates": 0, "refused": 0, "samples": 0}
        lock = threading.Lock()

        def client(queue):
            conn = server.connection()
            for round_id, body in queue:
                answer = server.post(conn, f"/api/v1/testing/rounds/{round_id}/scans/batch", body)
                with lock:
                    for key in ("stored", "duplicates", "refused"):
                        totals[key] += answer[key]
                    totals["samples"] += sum(
                        p["status"] == "stored" for o in answer["outcomes"] for p in o["people"]
                    )

        server.post(
            server.connection(), f"/api/v1/testing/rounds/{world.current.pk}/scans/batch", b'{"scans": []}'
        )
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(q,)) for q in queues]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        app_cpu, db_cpu = (
            after - before for after, before in zip(server.cpu_seconds(), cpu_before, strict=True)
        )
        stored = Sample.objects.filter(round__in=rounds).count()
        assert stored == totals["samples"], (stored, totals)
        retry_round, retry_body = bodies[len(bodies) // 2]
        retry = server.post(
            server.connection(), f"/api/v1/testing/rounds/{retry_round}/scans/batch", retry_body
        )
        after = Sample.objects.filter(round__in=rounds).count()
    raw = raw_insert(world, rounds, batch=args.batch, connections=args.clients)
    rate = stored / elapsed
    http = {
        "samples": stored,
        "scans_refused": totals["refused"],
        "seconds": round(elapsed, 2),
        "samples_per_s": round(rate),
        "batch": args.batch,
        "clients": args.clients,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "raw_rows_per_s": raw,
        "ratio_to_raw": round(rate / raw, 3),
        "retry": {
            "scans": len(json.loads(retry_body)["scans"]),
            "stored": retry["stored"],
            "duplicates": retry["duplicates"],
            "samples_added": after - stored,
        },
        "cpu_us_per_sample": {"app": round(app_cpu / stored * 1e6), "postgres": round(db_cpu / stored * 1e6)},
        "load": _load(),
    }
    figures["sync_http"] = http
    print(
        f"  sync through HTTP ({args.clients} clients, batches of {args.batch:,}, gunicorn {args.workers} "
        f"{args.worker_class} "
        f"workers): {stored:,} samples in {elapsed:.1f} s = {round(rate):,}/s (target 20,000/s)   "
        f"raw insert {raw:,} rows/s   ×{round(raw / rate, 1)} slower"
    )
    print(
        f"  batch retried with the same scan ids: {retry['stored']} stored, {retry['duplicates']:,} "
        f"duplicates, "
        f"{after - stored} samples added"
    )
    cpu_each = (app_cpu + db_cpu) / stored * 1e6
    print(
        f"    CPU per sample: {http['cpu_us_per_sample']['app']} µs in the workers + "
        f"{http['cpu_us_per_sample']['postgres']} µs "
        f"in PostgreSQL = {cpu_each:.0f} µs, so 2 cores store at most {2e6 / cpu_each:,.0f} samples/s "
        f"through the API "
        f"with nothing else running ({_load()})"
    )
    return raw


def inproc_sync(world: World, round, batches: list[list[dict]]) -> float:
    from firstline.testing.capture.services import ScanIn, scans_record

    scans = [[ScanIn(**scan) for scan in batch] for batch in batches]
    started = time.perf_counter()
    for batch in scans:
        scans_record(acting_user=world.volunteer, round=round, scans=batch)
    return time.perf_counter() - started


def raw_insert(world: World, rounds, *, batch: int, connections: int) -> int:
    """Rows per second of inserting the same sample rows (new ids, into new rounds) with nothing
    but INSERT: `INSERT … SELECT unnest(…)` on PostgreSQL, multi-row VALUES on SQLite."""
    from django.db import connection, transaction

    from firstline.testing.models import Sample

    columns = [
        "id",
        "round_id",
        "person_id",
        "tube_id",
        "purpose",
        "state",
        "household_id",
        "household_path",
        "out_of_scope",
        "door_to_door",
        "point_id",
        "desk",
        "scanned_at",
        "stored_at",
        "collected_by_id",
    ]
    copies = {r.pk: scratch_round(world, f"raw {r.pk}").pk for r in rounds}
    rows = [
        (uuid.uuid4(), copies[row[0]], *row[1:])
        for row in Sample.objects.filter(round__in=rounds).values_list(*columns[1:])
    ]
    chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    if connection.vendor != "postgresql" or connections == 1:
        started = time.perf_counter()
        for chunk in chunks:
            with transaction.atomic():
                _raw_chunk(connection, columns, chunk)
        elapsed = time.perf_counter() - started
    else:
        import psycopg

        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        conns = [psycopg.connect(url) for _ in range(connections)]
        casts = _pg_casts(columns)

        def worker(conn, mine):
            for chunk in mine:
                arrays = [[row[i] for row in chunk] for i in range(len(columns))]
                conn.execute(
                    f"INSERT INTO testing_sample ({', '.join(columns)}) SELECT * FROM unnest({casts})", arrays
                )  # noqa: S608
                conn.commit()

        threads = [
            threading.Thread(target=worker, args=(c, chunks[i::connections])) for i, c in enumerate(conns)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        for c in conns:
            c.close()
    assert Sample.objects.filter(round_id__in=copies.values()).count() == len(rows)
    return round(len(rows) / elapsed)


def _pg_casts(columns: list[str]) -> str:
    from firstline.common.bulk import _column, _pg_array_type
    from firstline.testing.models import Sample

    return ", ".join(f"%s::{_pg_array_type(_column(Sample, c))}[]" for c in columns)


def _raw_chunk(connection, columns: list[str], chunk: list[tuple]) -> None:
    from firstline.common.bulk import _column
    from firstline.testing.models import Sample

    fields = [_column(Sample, c) for c in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [
                [f.get_db_prep_value(row[i], connection) for row in chunk] for i, f in enumerate(fields)
            ]
            cursor.execute(
                f"INSERT INTO testing_sample ({', '.join(columns)}) SELECT * FROM "
                f"unnest({_pg_casts(columns)})",
                arrays,
            )  # noqa: S608
        else:
            per = 30000 // len(columns)
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(chunk), per):
                part = chunk[start : start + per]
                params = [
                    f.get_db_prep_value(row[i], connection) for row in part for i, f in enumerate(fields)
                ]
                cursor.execute(
                    f"INSERT INTO testing_sample ({', '.join(columns)}) VALUES "
                    f"{', '.join([one] * len(part))}",  # noqa: S608
                    params,
                )


class Server:
    """gunicorn serving the benchmark's database on a free local port, with a bearer token."""

    def __init__(self, world: World, args):
        from firstline.accounts.services import api_token_create

        self.world = world
        self.args = args
        _token, self.key = api_token_create(
            acting_user=None, user=world.volunteer, name=f"bench {uuid.uuid4().hex[:6]}"
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self):
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
        command = [
            gunicorn,
            "firstline.wsgi:application",
            "-c",
            str(common.ROOT / "gunicorn.conf.py"),
            "--pythonpath",
            str(common.ROOT / "src"),
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        if self.args.worker_class == "gthread":
            command += ["--threads", "2"]
        self.log = open(common.OUT / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, env={**os.environ, "FIRSTLINE_DEBUG": "0"}, stdout=self.log, stderr=self.log
        )
        deadline = time.time() + 60
        while True:
            try:
                conn = self.connection()
                conn.request("GET", f"/api/v1/testing/rounds/{self.world.current.pk}", headers=self.headers())
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start: see {common.OUT / 'gunicorn.log'}")
            time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time used so far by the server's workers and by the PostgreSQL backends serving this
        database (other than the benchmark's own): what a request costs, whatever else the machine
        is running at the time."""
        from django.db import connection

        workers = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(int(p.name)) == self.process.pid
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                "pg_backend_pid()"
            )
            backends = [row[0] for row in cursor.fetchall()]
        return sum(_cpu(pid) for pid in workers), sum(_cpu(pid) for pid in backends)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}

    def connection(self):
        import http.client

        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def post(self, conn, path: str, body: bytes) -> dict:
        conn.request("POST", path, body=body, headers=self.headers())
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
        return json.loads(data)


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _parent(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if fields else 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 if it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# ---------------------------------------------------------------------------------------------
# Single scans through wrk


def bench_single(world: World, args, label: str, figures: dict, raw_rate: float | None) -> None:
    from firstline.testing.models import Sample

    if label != "PostgreSQL":
        print(
            "  single scans through HTTP: SKIPPED (measured on PostgreSQL only; set "
            "DATABASE_URL=postgres://...)"
        )
        return
    wrk = shutil.which("wrk")
    if wrk is None:
        print("  single scans through HTTP: SKIPPED (wrk missing: apt-get install -y wrk)")
        return
    if raw_rate is None:
        raw_rate = raw_insert_only(world, args)
    people_file = common.OUT / "wrk_people.tsv"
    people = people_at_points(world)
    people_file.write_text("".join(f"{payload}\t{point}\n" for _pk, payload, point in people))
    threads = 2

    def drive(target, seconds: int, connections: int) -> str:
        tag = f"{random.randrange(16**8):08x}"
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "scan_one.lua"),
            f"http://127.0.0.1:{server.port}/api/v1/testing/rounds/{target.pk}/scans",
            "--",
            str(people_file),
            tag,
            str(threads),
            str(max(1, connections // threads)),
            server.key,
        ]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    runs = []
    with Server(world, args) as server:
        drive(
            scratch_round(world, "single warm-up"), 3, max(args.connections)
        )  # every worker connected and warm
        for connections in args.connections:
            round_ = scratch_round(world, f"single {connections}")
            cpu_before = server.cpu_seconds()
            output = drive(round_, args.duration, connections)
            app_cpu, db_cpu = (
                after - before for after, before in zip(server.cpu_seconds(), cpu_before, strict=True)
            )
            runs.append((connections, round_, output, app_cpu, db_cpu, _load()))
    figures["single_scan"] = []
    for connections, round_, output, app_cpu, db_cpu, load in runs:
        stored = Sample.objects.filter(round=round_).count()
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        latency = {
            p: _ms(re.search(rf"^\s+{p}%\s+(\S+)", output, re.M).group(1)) for p in ("50", "75", "90", "99")
        }
        single = {
            "requests": requests,
            "requests_per_s": round(rps),
            "stored": stored,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "latency_ms": latency,
            "connections": connections,
            "duration_s": args.duration,
            "workers": args.workers,
            "worker_class": args.worker_class,
            "raw_rows_per_s": raw_rate,
            "ratio_to_raw": round(rps / raw_rate, 4),
            "cpu_ms_per_request": {
                "app": round(app_cpu / requests * 1000, 2),
                "postgres": round(db_cpu / requests * 1000, 2),
            },
            "load": load,
        }
        figures["single_scan"].append(single)
        cpu_each = (app_cpu + db_cpu) / requests * 1000
        print(
            f"  single scans (wrk {threads} threads, {connections} connections, {args.duration} s; gunicorn "
            f"{args.workers} "
            f"{args.worker_class} workers): {round(rps):,} requests/s (target 1,000), p50 {latency['50']} "
            f"ms, "
            f"p99 {latency['99']} ms (target < 50), {stored:,} stored of {requests:,} sent, "
            f"{single['non_2xx']} errors   "
            f"raw insert {raw_rate:,} rows/s (×{round(raw_rate / rps)} the request rate)"
        )
        print(
            f"    CPU per request: {single['cpu_ms_per_request']['app']} ms in the workers + "
            f"{single['cpu_ms_per_request']['postgres']} ms in PostgreSQL = {cpu_each:.1f} ms, so 2 cores "
            f"serve at most "
            f"{2000 / cpu_each:,.0f} requests/s with nothing else running ({load})"
        )


def raw_insert_only(world: World, args) -> int:
    source = scratch_round(world, "raw source")
    inproc_sync(
        world,
        source,
        scan_batches(people_at_points(world)[:20_000], tag=uuid.uuid4().hex[:8].upper(), batch=args.batch),
    )
    return raw_insert(world, [source], batch=args.batch, connections=args.clients)


def _ms(text: str) -> float:
    value = float(re.match(r"[\d.]+", text).group(0))
    return round(value * {"us": 0.001, "ms": 1, "s": 1000}[re.search(r"(us|ms|s)$", text).group(1)], 2)


# ---------------------------------------------------------------------------------------------
# Coverage and the missing list


def bench_coverage(world: World, args, figures: dict) -> None:
    from django.db import connection

    from firstline.accounts.scope import forget_grants
    from firstline.areas.models import Area, AreaKind
    from firstline.common.paths import SEGMENT_WIDTH, subtree_upper_bound
    from firstline.testing.coverage import selectors

    staff, current, community = world.staff, world.current, world.community
    building = (
        Area.objects.filter(kind=AreaKind.BUILDING, path__startswith=community.path, has_lift=True)
        .order_by("path")
        .first()
    )

    def coverage():
        forget_grants(staff)
        result = selectors.round_coverage(user=staff, round=current, area=community)
        assert result.total.expected == world.residents

    def missing():
        forget_grants(staff)
        return list(selectors.round_missing(user=staff, round=current, area=building))

    def bare(sql, params):
        def call():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return call

    inner, params = selectors._resident_flags_sql(
        current, [community.path], len(community.path) + SEGMENT_WIDTH
    )
    coverage_sql = bare(
        f"SELECT prefix, COUNT(*), SUM(sampled), SUM(CASE WHEN sampled = 0 THEN exempt ELSE 0 END) FROM "
        f"({inner}) AS t GROUP BY prefix",  # noqa: S608
        params,
    )
    missing_sql = bare(
        "SELECT r.id FROM people_residence r JOIN areas_area h ON h.id = r.household_id "
        "WHERE r.is_current AND h.path >= %s AND h.path < %s "
        f"AND NOT EXISTS ({LIVE_SCREENING}) AND NOT EXISTS ({EXEMPT}) ORDER BY h.path, r.person_id",
        [building.path, subtree_upper_bound(building.path), current.pk, current.pk],
    )
    people_missing = len(missing())
    cases = {
        "coverage_community": (
            coverage,
            coverage_sql,
            300,
            f"coverage of {community.name} ({world.residents:,} residents)",
        ),
        "missing_building": (
            missing,
            missing_sql,
            50,
            f"missing list of {building.name} ({people_missing} people)",
        ),
    }
    for key, (call, baseline, target, title) in cases.items():
        call()
        baseline()
        times = common.summary(common.timed(call, runs=args.runs))
        base = common.summary(common.timed(baseline, runs=args.runs))
        ratio = round(times["median_ms"] / max(base["median_ms"], 0.001), 2)
        figures[key] = {"selector": times, "bare_sql": base, "ratio": ratio, "target_ms": target}
        print(
            f"  {title}: median {times['median_ms']:.1f} ms, p95 {times['p95_ms']:.1f} ms (target < "
            f"{target})   "
            f"bare SQL {base['median_ms']:.1f} ms   ×{ratio}"
        )


# ---------------------------------------------------------------------------------------------
# A positive pool


def bench_positive(world: World, args, figures: dict) -> None:
    from django.db import connection

    from firstline.areas.models import Area, AreaKind
    from firstline.common.paths import subtree_upper_bound
    from firstline.notices.models import Notice, NoticeDelivery
    from firstline.registration.codes import payload_for
    from firstline.testing.capture.services import ScanIn, scans_record
    from firstline.testing.lab.services import ResultIn, results_report
    from firstline.testing.models import ResampleTask, SamplingPoint
    from firstline.testing.transport import services as transport

    current = world.current
    tag = uuid.uuid4().hex[:6].upper()
    times, baseline_times, notices = [], [], []
    buildings = list(
        Area.objects.filter(kind=AreaKind.BUILDING, path__startswith=world.community.path).order_by("path")
    )
    for run in range(args.positive_runs):
        # Ten people not yet sampled, from one building, into one tube; boxed, handed over, received.
        # Each run (and each rerun of the benchmark) takes 10 people still to be sampled in some building.
        people: list[int] = []
        start = random.randrange(len(buildings))
        for step in range(len(buildings)):
            building = buildings[(start + step) % len(buildings)]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT r.person_id FROM people_residence r JOIN areas_area h ON h.id = r.household_id "
                    "WHERE r.is_current AND h.path >= %s AND h.path < %s "
                    f"AND NOT EXISTS ({LIVE_SCREENING}) AND NOT EXISTS ({EXEMPT}) "
                    "ORDER BY h.path, r.person_id LIMIT 10",
                    [building.path, subtree_upper_bound(building.path), current.pk, current.pk],
                )
                people = [row[0] for row in cursor.fetchall()]
            if len(people) == 10:
                break
        point = SamplingPoint.objects.get(compound__path=building.path[: len(building.path) - 6])
        tube = f"P{tag}-{run}"
        scans_record(
            acting_user=world.volunteer,
            round=current,
            scans=[
                ScanIn(
                    client_id=uuid.uuid4(),
                    tube_code=tube,
                    person_code=payload_for(f"bench{pk}"),
                    point_id=point.pk,
                    desk=1,
                )
                for pk in people
            ],
        )
        box = transport.box_open(
            acting_user=world.volunteer, round=current, code=f"BOX{tag}-{run}", point=point
        )
        transport.box_add_tubes(acting_user=world.volunteer, box=box, tube_codes=[tube])
        transport.box_pack(acting_user=world.volunteer, box=box, counted=1)
        transport.box_pick_up(acting_user=world.volunteer, box=box)
        transport.box_receive(acting_user=world.lab, box=box, counted=1)
        baseline_times.append(common.timed(lambda t=tube: _bare_positive(t))[0])
        before = (Notice.objects.count(), NoticeDelivery.objects.count())
        started = time.perf_counter()
        (outcome,) = results_report(
            acting_user=world.lab, results=[ResultIn(tube_code=tube, result="阳性")], source="api"
        )
        times.append(time.perf_counter() - started)
        assert outcome.status == "stored", outcome
        notices.append((Notice.objects.count() - before[0], NoticeDelivery.objects.count() - before[1]))
        assert ResampleTask.objects.filter(pool_sample__tube__code=tube, status="open").count() == len(people)
    result, base = common.summary(times), common.summary(baseline_times)
    ratio = round(result["median_ms"] / max(base["median_ms"], 0.001), 1)
    figures["positive_pool"] = {
        "report": result,
        "bare_sql": base,
        "ratio": ratio,
        "target_ms": 200,
        "notices": notices[-1][0],
        "recipients": notices[-1][1],
    }
    print(
        f"  positive 10-person pool -> pool positive, 10 re-sample tasks, {notices[-1][0]} notice to "
        f"{notices[-1][1]} people (building leaders, community staff): "
        f"median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms of {len(times)} (target < 200) "
        f"  "
        f"bare SQL {base['median_ms']:.2f} ms   ×{ratio}"
    )


def _bare_positive(tube_code: str) -> None:
    """The rows a positive pool writes, with nothing else: rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE testing_tube SET result = 'positive' WHERE code = %s", [tube_code])
        cursor.execute(
            "UPDATE testing_sample SET state = 'pool_positive' WHERE tube_id = (SELECT id FROM testing_tube "
            "WHERE code = %s) "
            "AND state = 'pending'",
            [tube_code],
        )
        cursor.execute(
            "INSERT INTO testing_resampletask (round_id, person_id, household_id, household_path, "
            "pool_sample_id, status, created_at) "
            "SELECT round_id, person_id, household_id, household_path, id, 'open', stored_at FROM "
            "testing_sample "
            "WHERE tube_id = (SELECT id FROM testing_tube WHERE code = %s)",
            [tube_code],
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
