"""Page speed at a city's scale: the building map and search on a 1,000,000-resident street.

The street is generated once (manage.py generate_street's builder) into its own database and
reused. Each page is requested through Django's test client, signed in as community staff, and
timed; the baseline, measured in the same run, is the bare indexed query that fetches the same
rows without the page (so the ratio shows what scoping, aggregating and rendering cost).

    python bench/bench_pages.py --residents 1000000
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    name = f"pages_{args.residents}"
    label = common.setup(name, fresh=False)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from firstline.accounts.models import Grant
    from firstline.accounts.roles import Role
    from firstline.areas.models import Area, AreaKind
    from firstline.common.paths import subtree_upper_bound
    from firstline.demo.builder import build_street
    from firstline.people.models import Person, Residence

    street = Area.objects.filter(parent__isnull=True, name="基准街道").first()
    if street is None:
        started = time.perf_counter()
        street, total = build_street(name="基准街道", residents=args.residents)
        print(
            f"Generated {total:,} residents in {time.perf_counter() - started:.0f} s (kept for the next run)"
        )
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have gathered them on a live server by now.
        cursor.execute("ANALYZE")
    residents = Residence.objects.filter(is_current=True).count()
    community = Area.objects.filter(parent=street).order_by("path").first()
    staff, _ = get_user_model().objects.get_or_create(username="bench-staff")
    Grant.objects.get_or_create(user=staff, role=Role.COMMUNITY_STAFF, area=community)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(staff)

    building = (
        Area.objects.filter(kind=AreaKind.BUILDING, path__startswith=community.path, has_lift=True)
        .order_by("path")
        .last()
    )
    sample = (
        Residence.objects.filter(is_current=True, household__path__startswith=building.path)
        .select_related("person", "household__parent")
        .order_by("id")
        .first()
    )
    person = sample.person
    from firstline.common import crypto

    number = crypto.unseal(person.id_sealed) if person.id_sealed else ""
    door = f"{building.name[:-2]}-{sample.household.parent.name[:-2]}-{sample.household.door}"

    def page(url, **params):
        def call():
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        return call

    def search(query):
        # The search box posts; the results come back by a redirect (an ID number or a phone as a
        # key into the session, never in the address): both requests are timed.
        def call():
            response = client.post("/search/", {"q": query}, follow=True)
            assert response.status_code == 200 and len(response.redirect_chain) == 1, (
                query,
                response.status_code,
            )

        return call

    def raw(sql, params):
        def call():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return call

    upper = subtree_upper_bound(building.path)
    p = "%s"
    cases = {
        "building_map": (
            page(f"/areas/{building.pk}/map/"),
            raw(
                f"SELECT id, door, floor FROM areas_area WHERE path >= {p} AND path < {p} AND kind = "
                f"'household'",
                [building.path, upper],
            ),
        ),
        "search_name": (
            search(person.name),
            raw(f"SELECT id, name FROM people_person WHERE name = {p} LIMIT 50", [person.name]),
        ),
        "search_phone": (
            search(person.phone or "13800138000"),
            raw(f"SELECT id FROM people_person WHERE phone = {p} LIMIT 50", [person.phone]),
        ),
        "search_id_number": (
            search(number),
            raw(f"SELECT id FROM people_person WHERE id_hash = {p}", [person.id_hash]),
        ),
        "search_door": (
            search(door),
            raw(
                f"SELECT id FROM areas_area WHERE kind = 'household' AND door = {p} LIMIT 50",
                [sample.household.door],
            ),
        ),
    }
    figures = {
        "database": label,
        "residents": residents,
        "people_rows": Person.objects.count(),
        "building": f"{building.name}, "
        f"{Area.objects.filter(path__startswith=building.path, kind='household').count()} doors",
    }
    print(
        f"Pages on {label} with {residents:,} residents (median / p95 of {args.runs} runs; baseline = the "
        f"bare indexed query)"
    )
    for key, (page_call, baseline_call) in cases.items():
        page_call()  # warm
        page_times = common.summary(common.timed(page_call, runs=args.runs))
        base_times = common.summary(common.timed(baseline_call, runs=args.runs))
        ratio = round(page_times["median_ms"] / max(base_times["median_ms"], 0.001), 1)
        figures[key] = {"page": page_times, "baseline": base_times, "ratio": ratio}
        print(
            f"  {key:17} page {page_times['median_ms']:8.1f} ms (p95 {page_times['p95_ms']:.1f})   "
            f"baseline {base_times['median_ms']:7.2f} ms   ×{ratio}"
        )
    common.record(f"pages_{label.lower()}", figures)


if __name__ == "__main__":
    main()
