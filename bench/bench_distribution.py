"""Distribution campaigns at a street's scale: planning 100,000 households, and 10,000 doors at once.

A street of demo-shaped compounds (睿和新城's 30 buildings, 3,654 doors each) is generated once with
the demo builder until it holds `--households` doors; the database is kept for the next run. Every
figure is printed beside a baseline measured in the same run:

- plan: `campaign_create` over the whole street, one share per household, 3 batches, with the
  allocation per stairwell and its leaders. Baseline: the bare aggregate query over the same
  households plus a bare `bulk_create` of the same share rows (rolled back).
- doors: `receipts_record` of 10,000 doors of a handed-over batch in one call (delivered, with
  client keys). Baseline: a bare `bulk_create` of the same 10,000 receipt rows and one UPDATE of
  their shares (rolled back).

    python bench/bench_distribution.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_distribution.py
"""

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import record, setup  # noqa: E402

STREET = "发放基准街道"


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--doors", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    label = setup("distribution", fresh=args.fresh)

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create
    from firstline.common.paths import subtree_q
    from firstline.demo.builder import DEMO_COMPOUND, StreetBuilder
    from firstline.distribution.models import Allocation, Batch, Campaign, Receipt, Share
    from firstline.distribution.services import (
        batch_issue,
        building_handover,
        campaign_create,
        receipts_record,
    )
    from firstline.supplies.models import Category, Item, MovementKind, Unit, Warehouse
    from firstline.supplies.services import stock_post

    street = Area.objects.filter(parent__isnull=True, name=STREET).first()
    if street is None:
        started = time.perf_counter()
        builder = StreetBuilder(seed=11)
        street = area_create_root(name=STREET)
        (community,) = areas_bulk_create(
            parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="基准社区")]
        )
        households, n = 0, 0
        while households < args.households:
            n += 1
            built = builder.build_compound(parent=community, name=f"{n}号小区", shapes=DEMO_COMPOUND)
            households += len(built.households)
        print(f"generated {households} households in {time.perf_counter() - started:.1f} s", flush=True)
    households = Area.objects.filter(subtree_q(street.path), kind=AreaKind.HOUSEHOLD).count()
    user, _ = get_user_model().objects.get_or_create(username="bench_dist")
    Grant.objects.get_or_create(user=user, role=Role.STREET_COORDINATOR, area=street)
    item, _ = Item.objects.get_or_create(
        name="生菜", unit=Unit.JIN, defaults={"category": Category.VEGETABLES}
    )
    warehouse, _ = Warehouse.objects.get_or_create(name="基准仓库", area=street)
    old = Campaign.objects.filter(warehouse=warehouse)
    for model in (Receipt, Share, Allocation, Batch):  # an earlier run's campaign, children first
        model.objects.filter(campaign__in=old).delete()
    old.delete()
    stock_post(
        acting_user=user,
        warehouse=warehouse,
        item=item,
        kind=MovementKind.RECEIPT,
        quantity=str(households * 8),
    )

    # Baseline: the bare aggregate and the bare bulk insert of the same rows.
    started = time.perf_counter()
    try:
        with transaction.atomic():
            rows = list(
                Area.objects.filter(subtree_q(street.path), kind=AreaKind.HOUSEHOLD).values_list(
                    "pk", "parent_id"
                )
            )
            campaign = Campaign.objects.create(name="baseline", warehouse=warehouse, area=street)
            batch = Batch.objects.create(campaign=campaign, number=1)
            stairwells = {}
            for _pk, parent in rows:
                stairwells.setdefault(parent, None)
            Allocation.objects.bulk_create(
                Allocation(campaign=campaign, batch=batch, building_id=s, stairwell_id=s) for s in stairwells
            )
            allocation_of = dict(
                Allocation.objects.filter(campaign=campaign).values_list("stairwell_id", "pk")
            )
            Share.objects.bulk_create(
                (
                    Share(
                        campaign=campaign,
                        allocation_id=allocation_of[p],
                        batch=batch,
                        household_id=pk,
                        units=1,
                    )
                    for pk, p in rows
                ),
                batch_size=5000,
            )
            raise Rollback
    except Rollback:
        pass
    baseline_plan = time.perf_counter() - started

    started = time.perf_counter()
    campaign = campaign_create(
        acting_user=user,
        name="基准发放",
        warehouse=warehouse,
        items=[(item, Decimal("7.8"))],
        scope=[street],
        batch_count=3,
    )
    plan = time.perf_counter() - started
    print(
        f"[{label}] plan {households} households: {plan:.2f} s"
        f" (baseline: the bare query and the same shares through bulk_create {baseline_plan:.2f} s)",
        flush=True,
    )

    first = Batch.objects.select_related("campaign").get(campaign=campaign, number=1)
    batch_issue(acting_user=user, batch=first)
    for building_id in dict.fromkeys(
        Allocation.objects.filter(batch=first).values_list("building_id", flat=True)
    ):
        building_handover(acting_user=user, campaign=campaign, building=Area.objects.get(pk=building_id))
    door_ids = list(
        Share.objects.filter(batch=first).order_by("id").values_list("household_id", flat=True)[: args.doors]
    )
    share_ids = list(
        Share.objects.filter(batch=first).order_by("id").values_list("pk", flat=True)[: args.doors]
    )

    started = time.perf_counter()
    try:
        with transaction.atomic():
            now = timezone.now()
            Receipt.objects.bulk_create(
                (
                    Receipt(
                        campaign=campaign,
                        share_id=s,
                        household_id=h,
                        outcome="delivered",
                        client_key=f"b{h}",
                        recorded_by=user,
                        recorded_at=now,
                    )
                    for s, h in zip(share_ids, door_ids, strict=True)
                ),
                batch_size=5000,
            )
            Share.objects.filter(pk__in=share_ids).update(status="delivered", updated_at=now)
            raise Rollback
    except Rollback:
        pass
    baseline_doors = time.perf_counter() - started

    entries = [{"household": h, "outcome": "delivered", "client_key": f"k{h}"} for h in door_ids]
    started = time.perf_counter()
    result = receipts_record(acting_user=user, campaign=campaign, entries=entries)
    doors = time.perf_counter() - started
    assert result["delivered"] == len(door_ids), result
    print(
        f"[{label}] record {len(door_ids)} doors: {doors:.2f} s"
        f" (baseline bare insert + update {baseline_doors:.2f} s)",
        flush=True,
    )
    record(
        f"distribution_{label.lower()}",
        {
            "households": households,
            "plan_s": round(plan, 3),
            "plan_baseline_s": round(baseline_plan, 3),
            "doors": len(door_ids),
            "doors_s": round(doors, 3),
            "doors_baseline_s": round(baseline_doors, 3),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
