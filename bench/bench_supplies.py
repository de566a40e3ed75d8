"""Supplies: posting movements and reading the ledger at a street's scale.

A street with two communities, a store in each and the catalogue of the demo is made once; every
figure is printed beside a baseline measured in the same run:

- batch: 10,000 movements (receipts and issues of 8 items) posted by `stock_post_batch`, all or
  nothing with the balances checked row by row and one audit row. Baseline: the same 10,000 ledger
  rows inserted by bare SQL (`executemany` of the INSERT) plus one UPDATE of each balance. Also
  `stock_post` called one movement at a time (1,000 of them, per movement), the door the pages use.
- ledger: the warehouse page (stock with bars, the forms, the ledger's first and last page of 50)
  with 100,000 movements in the store, median and p95 of 20 runs, and the API's ledger page.
  Baseline: the bare SQL of one ledger page (the index on warehouse, item, time) and its COUNT.

    python bench/bench_supplies.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_supplies.py
"""

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--ledger", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    label = common.setup("supplies", fresh=True)

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import AreaKind
    from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create
    from firstline.demo.supplies_demo import ITEMS
    from firstline.supplies.models import Item, Stock, StockMovement, Warehouse
    from firstline.supplies.services import MoveIn, stock_post, stock_post_batch

    district = area_create_root(name="平城区", kind=AreaKind.DISTRICT)
    (street,) = areas_bulk_create(parent=district, specs=[AreaSpec(kind=AreaKind.STREET, name="大庆路街道")])
    community, other = areas_bulk_create(
        parent=street,
        specs=[
            AreaSpec(kind=AreaKind.COMMUNITY, name="睿和社区"),
            AreaSpec(kind=AreaKind.COMMUNITY, name="绿园社区"),
        ],
    )
    user = get_user_model().objects.create_user(username="jiedao")
    Grant.objects.create(user=user, role=Role.STREET_COORDINATOR, area=street)
    items = [
        Item.objects.create(name=name, unit=unit, category=category) for name, unit, category in ITEMS[:8]
    ]
    store = Warehouse.objects.create(area=community, name="睿和社区库房")
    bare_store = Warehouse.objects.create(area=other, name="绿园社区库房")
    figures: dict = {"database": label}

    # -- batch ------------------------------------------------------------------------------
    moves = [MoveIn(it.pk, "receipt", "100000") for it in items]
    moves += [MoveIn(items[n % len(items)].pk, "issue", "1.5") for n in range(args.batch - len(moves))]
    started = time.perf_counter()
    written = stock_post_batch(acting_user=user, warehouse=store, moves=moves)
    batch_s = time.perf_counter() - started
    assert written == args.batch

    now = timezone.now()
    deltas = [(m.item_id, Decimal("100000") if m.kind == "receipt" else Decimal("-1.5")) for m in moves]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        Stock.objects.bulk_create([Stock(warehouse=bare_store, item=it) for it in items])
        balance: dict[int, Decimal] = {}
        rows = []
        for item_id, delta in deltas:
            balance[item_id] = balance.get(item_id, Decimal(0)) + delta
            rows.append(
                (
                    bare_store.pk,
                    item_id,
                    "receipt" if delta > 0 else "issue",
                    delta,
                    balance[item_id],
                    now,
                    now,
                )
            )
        table = StockMovement._meta.db_table
        cursor.executemany(
            f"INSERT INTO {table} (warehouse_id, item_id, kind, quantity, balance_after, reason, note,"
            " ref_type, ref_id, moved_at, created_at) VALUES (%s, %s, %s, %s, %s, '', '', '', '', %s, %s)",
            rows,
        )
        for item_id, total in balance.items():
            cursor.execute(
                f"UPDATE {Stock._meta.db_table} SET quantity = quantity + %s"
                " WHERE warehouse_id = %s AND item_id = %s",
                [total, bare_store.pk, item_id],
            )
    bare_s = time.perf_counter() - started

    singles = 1_000
    started = time.perf_counter()
    for n in range(singles):
        stock_post(acting_user=user, warehouse=store, item=items[n % len(items)], kind="issue", quantity="1")
    single_s = time.perf_counter() - started
    figures["batch"] = {
        "movements": args.batch,
        "stock_post_batch_s": round(batch_s, 3),
        "bare_sql_s": round(bare_s, 3),
        "stock_post_one_by_one_ms_per_movement": round(single_s * 1000 / singles, 3),
    }
    print(f"Supplies on {label}")
    print(
        f"  batch of {args.batch:,} movements: stock_post_batch {batch_s:.2f} s "
        f"({args.batch / batch_s:,.0f}/s); bare SQL {bare_s:.2f} s ({args.batch / bare_s:,.0f}/s); "
        f"stock_post one by one {single_s * 1000 / singles:.2f} ms a movement"
    )

    # -- ledger at 100,000 movements ----------------------------------------------------------
    more = args.ledger - StockMovement.objects.filter(warehouse=store).count()
    if more > 0:
        moved = [MoveIn(items[n % len(items)].pk, "issue", "0.5") for n in range(more)]
        for start in range(0, len(moved), 20_000):
            stock_post_batch(acting_user=user, warehouse=store, moves=moved[start : start + 20_000])
    total = StockMovement.objects.filter(warehouse=store).count()
    with connection.cursor() as cursor:  # fresh statistics after the bulk load, as autovacuum would
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    last_page = (total + 49) // 50
    urls = {
        "warehouse page, first ledger page": f"/supplies/warehouses/{store.pk}/",
        "warehouse page, last ledger page": f"/supplies/warehouses/{store.pk}/?page={last_page}",
        "API ledger page (50)": f"/api/v1/supplies/warehouses/{store.pk}/ledger?limit=50",
    }
    pages = {}
    for name, url in urls.items():
        client.get(url)
        times = common.timed(lambda url=url: client.get(url), runs=args.runs)
        pages[name] = common.summary(times)
    table = StockMovement._meta.db_table

    def bare_page():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, item_id, kind, quantity, balance_after, moved_at FROM {table}"
                " WHERE warehouse_id = %s ORDER BY moved_at DESC, id DESC LIMIT 50",
                [store.pk],
            )
            cursor.fetchall()
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE warehouse_id = %s", [store.pk])
            cursor.fetchone()

    pages["bare SQL: one page and its count"] = common.summary(common.timed(bare_page, runs=args.runs))
    figures["ledger"] = {"movements": total, **pages}
    print(f"  ledger with {total:,} movements (median / p95 of {args.runs} runs):")
    for name, figure in pages.items():
        print(f"    {name:40} {figure['median_ms']:8.1f} ms {figure['p95_ms']:8.1f} ms")
    common.record("supplies", figures)


if __name__ == "__main__":
    main()
