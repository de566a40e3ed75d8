"""The every-route matrix of each later app, one module per app (supplies.py, parcels.py, ...), so
that an app brings its rows without touching the shared tables. A module may define:

- ``EXPECTED``: {"route METHOD": "coordinator | staff | ... answers"}, in expected.py's notation;
- ``WEB_PATHS``, ``WEB_POSTS``, ``API_CALLS``: as in routes.py;
- ``build(side, *, world, staff, tag) -> dict``: records the side needs, set on it as attributes
  (called after the ledger's records of the side exist; ``staff`` is the side's staff user).
"""

import importlib
import pkgutil


def modules():
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]


def merged(name: str) -> dict:
    """One table (EXPECTED, WEB_PATHS, ...) over every app module; a key listed twice is an error."""
    table: dict = {}
    for module in modules():
        part = getattr(module, name, {})
        twice = set(table) & set(part)
        assert not twice, f"{module.__name__} repeats {sorted(twice)}"
        table.update(part)
    return table
