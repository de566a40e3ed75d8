"""The pages each role uses every day, on the full demo (睿和新城: 30 buildings, 3,654 households,
8,000+ residents; today's round half way), as that role: queries, median time and weight of each.

The baseline, measured in the same run, is the cheapest page a signed-in user gets (their account
page): the ratio says what a page costs beyond sign-in, session and the base template. Each role's
home is the day's work of that role (firstline.testing.today).

    python bench/bench_demo_pages.py [--runs 7]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    label = common.setup("demo_pages", fresh=False)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from firstline.areas.models import Area, AreaKind
    from firstline.people.models import Residence
    from firstline.testing.models import Round, SamplingPoint

    if not Area.objects.filter(name="睿和新城").exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))
    compound = Area.objects.get(name="睿和新城")
    building = Area.objects.get(parent=compound, name="12号楼")
    door = Area.objects.filter(path__startswith=building.path, kind=AreaKind.HOUSEHOLD).order_by("path")[5]
    person = Residence.objects.filter(household=door, is_current=True).first().person
    round_ = Round.objects.filter(area=compound.parent).order_by("-date", "-id").first()
    point = SamplingPoint.objects.filter(compound=compound).order_by("id").first()
    # A tree from before villages were places has no such kind: the village's pages are left out.
    village = Area.objects.filter(kind="village").first()
    village_round = Round.objects.filter(area=village).first() if village else None
    pages = [
        ("shequ", "account", "/me/"),
        ("shequ", "home", "/"),
        ("jiedao", "home (street)", "/"),
        ("louzhang", "home (building leader)", "/"),
        ("danyuan", "home (unit leader)", "/"),
        ("zhiyuan", "home (volunteer)", "/"),
        ("jiance", "home (lab)", "/"),
        ("shequ", "area (compound)", f"/areas/{compound.pk}/"),
        ("shequ", "building map", f"/areas/{building.pk}/map/"),
        ("shequ", "household", f"/households/{door.pk}/"),
        ("shequ", "person", f"/people/{person.pk}/"),
        ("shequ", "never reached", f"/areas/{compound.pk}/survey/?list=never"),
        ("shequ", "rounds", "/testing/"),
        ("shequ", "round", f"/testing/rounds/{round_.pk}/"),
        ("shequ", "coverage compound", f"/testing/rounds/{round_.pk}/coverage/{compound.pk}/"),
        ("shequ", "coverage building", f"/testing/rounds/{round_.pk}/coverage/{building.pk}/"),
        ("shequ", "missing compound", f"/testing/rounds/{round_.pk}/missing/{compound.pk}/"),
        ("shequ", "call-downs", f"/testing/rounds/{round_.pk}/calldowns/{point.pk}/"),
        ("shequ", "positives", f"/testing/rounds/{round_.pk}/positives/"),
        ("zhiyuan", "desk", f"/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1"),
        ("shequ", "door to door", f"/testing/rounds/{round_.pk}/door/{building.pk}/?everyone=1"),
        ("louzhang", "leader's door list", f"/testing/rounds/{round_.pk}/door/"),
        ("jiance", "lab", "/lab/"),
    ]
    if village_round is not None:
        pages += [
            ("cunwei", "village map", f"/areas/{village.pk}/map/"),
            ("cunwei", "village coverage", f"/testing/rounds/{village_round.pk}/coverage/{village.pk}/"),
        ]
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    figures = {}
    print(f"Demo pages on {label} (median of {args.runs} runs, as the role that uses each page)")
    for username, name, url in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(users.get(username=username))
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
        figures[name] = {
            "queries": len(captured),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "bytes": len(response.content),
        }
    base = figures["account"]["median_ms"]
    for name, row in figures.items():
        print(
            f"  {name:24} {row['queries']:3d} queries {row['median_ms']:7.1f} ms  "
            f"×{row['median_ms'] / base:5.1f} the account page  {row['bytes'] / 1024:7.1f} KB"
        )
    common.record("demo_pages", {"database": label, "pages": figures})


if __name__ == "__main__":
    main()
