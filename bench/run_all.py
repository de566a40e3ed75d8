"""Run every benchmark (`make bench`) and print their figures; results also go to bench/out/results.json."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["bench_import.py", "--rows", os.environ.get("BENCH_IMPORT_ROWS", "100000")],
    ["bench_pages.py", "--residents", os.environ.get("BENCH_RESIDENTS", "1000000")],
    ["bench_testing.py", "--residents", os.environ.get("BENCH_TESTING_RESIDENTS", "100000")],
    ["bench_distribution.py", "--households", os.environ.get("BENCH_DISTRIBUTION_HOUSEHOLDS", "100000")],
    ["bench_demo_pages.py"],
    ["bench_supplies.py"],
    ["bench_errands.py", "--requests", os.environ.get("BENCH_HELP_REQUESTS", "10000")],
    ["bench_daily_pages.py", "--world", "demo"],
    [
        "bench_daily_pages.py",
        "--world",
        "street",
        "--residents",
        os.environ.get("BENCH_RESIDENTS", "1000000"),
    ],
    ["bench_parcels.py"],
]


def main() -> int:
    failed = 0
    for script, *args in BENCHES:
        print(f"== {script} {' '.join(args)}", flush=True)
        if not (HERE / script).exists():
            print(f"   SKIPPED: {HERE / script} does not exist (not written yet).", flush=True)
            failed += 1
            continue
        failed += subprocess.call([sys.executable, str(HERE / script), *args]) != 0
    print(f"Figures in {HERE / 'out' / 'results.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
