"""What each later app's services write into an audit entry's `changes`, action by action, one
module per app (supplies.py, parcels.py, ...) defining ``CHANGES``; test_audit.py reads them all."""

import importlib
import pkgutil


def modules():
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
