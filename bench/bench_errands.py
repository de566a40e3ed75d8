"""Help requests at a busy community's scale: the request queue page and the escalation pass over
10,000 open requests.

A street with one community and 睿和新城's shape (30 buildings, 3,654 doors, the demo builder) gets
10,000 open help requests (bulk INSERT: a tenth critical, the others urgent or normal, due times
spread over the past six and the next 24 hours). Each figure is printed beside a baseline measured
in the same run:

- queue: `GET /errands/` (the first page, 50 rows) and a filtered page (one category, one
  building, page 3) through Django's test client, signed in as the community's staff; median and
  p95 of 20 runs. Baseline: the bare SQL of the same page's rows (the ORM's own statement, run
  through a cursor), and the home page in the same run (sign-in, session, base template).
- escalation: `requests_escalate` over the 10,000 open requests, of which `--overdue` are overdue
  (median of 5 runs, the requests reset between runs, not timed). Baseline: the bare conditional
  UPDATE of the same rows, rolled back.

    python bench/bench_errands.py                    # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_errands.py
"""

import argparse
import datetime as dt
import random
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def build(requests: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import AreaKind
    from firstline.areas.services import AreaSpec, area_create_root, areas_bulk_create
    from firstline.demo.builder import DEMO_COMPOUND, StreetBuilder
    from firstline.errands.models import HelpRequest

    street = area_create_root(name="跑腿基准街道", kind=AreaKind.STREET)
    (community,) = areas_bulk_create(
        parent=street, specs=[AreaSpec(kind=AreaKind.COMMUNITY, name="睿和社区")]
    )
    built = StreetBuilder(seed=2022).build_compound(parent=community, name="睿和新城", shapes=DEMO_COMPOUND)
    staff = get_user_model().objects.create_user(username="bench_staff")
    Grant.objects.create(user=staff, role=Role.COMMUNITY_STAFF, area=community)
    Grant.objects.create(
        user=get_user_model().objects.create_user(username="bench_street"),
        role=Role.STREET_COORDINATOR,
        area=street,
    )
    blocks = {b.path: b for b in built.buildings}
    rng = random.Random(7)
    now = timezone.now()
    categories = ["medicine", "formula", "documents", "hospital", "groceries", "repair", "dispute", "other"]
    rows = []
    for i in range(requests):
        door = built.households[i % len(built.households)]
        urgency = "critical" if i % 10 == 0 else rng.choice(["urgent", "normal"])
        asked = now - dt.timedelta(minutes=rng.randint(0, 6 * 60))
        due = asked + dt.timedelta(minutes={"critical": 60, "urgent": 240, "normal": 1440}[urgency])
        rows.append(
            HelpRequest(
                household=door,
                household_path=door.path,
                block=next(b for p, b in blocks.items() if door.path.startswith(p)),
                category=rng.choice(categories),
                urgency=urgency,
                details="基准请求",
                channel="phone",
                state=rng.choice(["open", "open", "assigned"]),
                asked_at=asked,
                due_at=due,
                rank=0 if urgency == "critical" else 1,
                confirm_token=secrets.token_urlsafe(18),
            )
        )
    HelpRequest.objects.bulk_create(rows, batch_size=2000)
    return staff, built


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    label = common.setup("errands", fresh=True)
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from firstline.errands import selectors, services
    from firstline.errands.models import PENDING_STATES, HelpRequest

    staff, built = build(args.requests)
    client = Client()
    client.force_login(staff)
    building = built.buildings[3]
    pages = {
        "queue": "/errands/",
        "filtered": f"/errands/?category=medicine&block={building.pk}&page=1",
        "home": "/",
    }
    figures = {
        "database": label,
        "open_requests": HelpRequest.objects.filter(state__in=PENDING_STATES).count(),
    }
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        figures[name] = common.summary(common.timed(lambda url=url: client.get(url), runs=20))
    queryset = (
        HelpRequest.objects.filter(state__in=["open", "assigned", "done"])
        .select_related(
            "household", "household__parent", "household__parent__parent", "assigned_user", "assigned_group"
        )
        .order_by("rank", "due_at", "id")[:51]
    )
    sql, params = queryset.query.sql_with_params()

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    figures["queue_bare_sql"] = common.summary(common.timed(bare, runs=20))
    overdue = HelpRequest.objects.filter(state__in=PENDING_STATES, due_at__lt=timezone.now()).count()
    figures["overdue"] = overdue

    def reset():
        HelpRequest.objects.update(escalated_at=None, escalation_stamp="")
        from firstline.errands.models import HelpEvent
        from firstline.notices.models import Notice

        HelpEvent.objects.all().delete()
        Notice.objects.all().delete()

    runs = []
    for _ in range(5):
        reset()
        runs += common.timed(lambda: services.requests_escalate())
    figures["escalation"] = common.summary(runs)

    def bare_update():
        with transaction.atomic():
            HelpRequest.objects.filter(
                state__in=PENDING_STATES, escalated_at__isnull=True, due_at__lt=timezone.now()
            ).update(escalated_at=timezone.now(), escalation_stamp="bare", rank=0)
            transaction.set_rollback(True)

    reset()
    figures["escalation_bare_update"] = common.summary(common.timed(bare_update, runs=5))
    rows, _more = selectors.request_queue(user=staff)
    figures["queue_rows"] = len(rows)
    common.record(f"errands_{label.lower()}", figures)
    print(f"{label}: {figures['open_requests']} open requests, {overdue} overdue")
    for name in ("queue", "filtered", "home", "queue_bare_sql"):
        print(f"  {name:<16} median {figures[name]['median_ms']:>8} ms   p95 {figures[name]['p95_ms']:>8} ms")
    for name in ("escalation", "escalation_bare_update"):
        print(f"  {name:<24} median {figures[name]['median_ms']:>8} ms ({overdue} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
