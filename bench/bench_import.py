"""Import throughput: a messy 100,000-row resident list (CSV and XLSX) through the real import.

Baseline, measured in the same run on the same database: a raw bulk insert of the same people and
residences with their sealed ID numbers computed beforehand (no parsing, no checking). The ratio
says what reading, normalising, checking and reporting cost on top of merely storing the rows.

    python bench/bench_import.py --rows 100000        # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_import.py
"""

import argparse
import csv
import datetime as dt
import io
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make_rows(count: int, buildings: int, seed: int = 1) -> list[list[str]]:
    from firstline.common.identity import resident_id_check_digit

    rng = random.Random(seed)
    rows = []
    for i in range(count):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=i % 25000)
        first17 = f"140213{born:%Y%m%d}{i // 25000 % 1000:03d}"
        number = first17 + resident_id_check_digit(first17)
        if i % 7 == 0:
            number = number.lower()
        if i % 11 == 0:
            number = number.translate(FULLWIDTH)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        if i % 5 == 0:
            phone = "+86 " + phone[:3] + " " + phone[3:7] + " " + phone[7:]
        building = 1 + i % buildings
        unit = 1 + (i // buildings) % 3
        floor = 1 + (i // (buildings * 3)) % 18
        door = f"{floor}{1 + (i // (buildings * 54)) % 5:02d}"
        rows.append(
            [f"{building}号楼", str(unit), door, f"居民{i}", number, phone, "户主" if i % 3 == 0 else "子女"]
        )
    return rows


HEADER = ["楼号", "单元", "房号", "姓名", "身份证号", "手机号", "与户主关系"]


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["居民名单（物业导出）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    label = common.setup("import", fresh=True)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create, household_door_name
    from firstline.common import crypto
    from firstline.common.identity import mask_id_number, normalise_id_number
    from firstline.imports import services
    from firstline.imports.models import ImportJob
    from firstline.people.models import Person, Residence

    buildings_count = 30
    street = area_create_root(name="导入基准街道")
    (community,) = areas_bulk_create(parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="社区")])
    compounds = areas_bulk_create(
        parent=community,
        specs=[AreaSpec(kind=AreaKind.COMPOUND, name=n) for n in ("甲小区", "乙小区", "丙小区")],
    )
    for compound in compounds:
        buildings = areas_bulk_create(
            parent=compound,
            specs=[
                AreaSpec(kind=AreaKind.BUILDING, name=f"{i}号楼", has_lift=True, floors=18)
                for i in range(1, buildings_count + 1)
            ],
        )
        for building in buildings:
            for unit in areas_bulk_create(
                parent=building, specs=[AreaSpec(kind=AreaKind.UNIT, name=f"{u}单元") for u in (1, 2, 3)]
            ):
                areas_bulk_create(
                    parent=unit,
                    specs=[
                        AreaSpec(
                            kind=AreaKind.HOUSEHOLD,
                            name=household_door_name(f, d),
                            floor=f,
                            door=household_door_name(f, d),
                        )
                        for f in range(1, 19)
                        for d in range(1, 6)
                    ],
                )
    staff = get_user_model().objects.create_user(username="bench-staff")  # signs in through the services only
    Grant.objects.create(user=staff, role=Role.COMMUNITY_STAFF, area=community)

    rows = make_rows(args.rows, buildings_count)
    files = {"csv": as_csv(rows), "xlsx": as_xlsx(rows)}
    figures = {"database": label, "rows": args.rows}

    def run_import(compound, name, data):
        job = services.import_upload(acting_user=staff, area=compound, filename=name, data=data)
        services.import_start(acting_user=staff, job=job, mapping=job.mapping)
        return ImportJob.objects.get(pk=job.pk)

    for (kind, data), compound in zip(files.items(), compounds[:2], strict=True):
        started = time.perf_counter()
        job = run_import(compound, f"list.{kind}", data)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        assert job.created_count == args.rows, (job.status, job.created_count, job.errors[:3], job.failure)
        figures[kind] = {
            "seconds": round(seconds, 2),
            "rows_per_second": round(args.rows / seconds),
            "process_peak_rss_mb": round(peak / 2**20),
            "file_mb": round(len(data) / 2**20, 1),
        }
        Person.objects.filter(import_job=job).delete()  # keep the next run's registry the same size

    # Baseline: the same rows, sealed beforehand, inserted raw into the third compound.
    doors = {
        (h.parent.parent.name, h.parent.name, h.door): h.pk
        for h in Area.objects.filter(
            kind=AreaKind.HOUSEHOLD, path__startswith=compounds[2].path
        ).select_related("parent__parent")
    }
    prepared = []
    for building, unit, door, name, number, phone, _relation in rows:
        clean = normalise_id_number("resident_id", number)
        prepared.append(
            (
                Person(
                    name=name,
                    id_sealed=crypto.seal(clean),
                    id_hash=crypto.lookup_hash(clean),
                    id_masked=mask_id_number(clean),
                    phone=phone[-11:].replace(" ", ""),
                ),
                doors[(building, f"{unit}单元", door)],
            )
        )
    started = time.perf_counter()
    created = Person.objects.bulk_create([p for p, _h in prepared], batch_size=2000)
    Residence.objects.bulk_create(
        [Residence(person=p, household_id=h) for p, (_x, h) in zip(created, prepared, strict=True)],
        batch_size=2000,
    )
    if connection.vendor == "sqlite":
        connection.commit() if not connection.get_autocommit() else None
    baseline = time.perf_counter() - started
    figures["baseline_raw_insert"] = {
        "seconds": round(baseline, 2),
        "rows_per_second": round(args.rows / baseline),
    }
    for kind in files:
        figures[kind]["ratio_to_baseline"] = round(figures[kind]["seconds"] / baseline, 2)

    print(f"Import of {args.rows:,} rows on {label}")
    for kind in files:
        f = figures[kind]
        print(
            f"  {kind.upper():5} {f['seconds']:7.2f} s  {f['rows_per_second']:>8,} rows/s  peak RSS "
            f"{f['process_peak_rss_mb']} MB  "
            f"({f['ratio_to_baseline']}× the raw insert)"
        )
    print(
        f"  raw   {baseline:7.2f} s  {figures['baseline_raw_insert']['rows_per_second']:>8,} rows/s  "
        f"(baseline: bulk insert of the same rows, sealed beforehand)"
    )
    common.record(f"import_{label.lower()}", figures)


if __name__ == "__main__":
    main()
