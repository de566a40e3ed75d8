"""Shared set-up for the benchmarks: a database of their own, Django configured, figures recorded.

Each benchmark uses its own database so that it never touches the demo or the tests: a SQLite file
under bench/out/, or, when DATABASE_URL points at PostgreSQL, a database named after the benchmark
on the same server (created if missing).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results.json"


def setup(name: str, *, fresh: bool) -> str:
    """Point Django at the benchmark's database and set it up. Returns a label for the database."""
    OUT.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("FIRSTLINE_VAR", str(OUT / "var"))
    os.environ["FIRSTLINE_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["DJANGO_SETTINGS_MODULE"] = "firstline.settings"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _db = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"bench_{name}"]
            ).fetchone()
            if exists and fresh:
                connection.execute(f'DROP DATABASE "bench_{name}"')
            if not exists or fresh:
                connection.execute(f'CREATE DATABASE "bench_{name}"')
        os.environ["DATABASE_URL"] = f"{base}/bench_{name}"
        label = "PostgreSQL"
    else:
        path = OUT / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        label = "SQLite"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return label


def timed(fn, *, runs: int = 1) -> list[float]:
    """Wall-clock seconds of each of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "runs": len(ordered),
    }


def record(section: str, figures: dict) -> None:
    """Merge the figures into bench/out/results.json."""
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[section] = figures
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2))
