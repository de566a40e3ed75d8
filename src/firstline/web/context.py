"""Template context for every page: which parts of the navigation the user may use."""

from firstline.accounts.roles import Perm
from firstline.accounts.scope import resident_only, scope_paths


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    resident = resident_only(user)
    return {
        "nav": {
            # A resident reads their own household on their page: no search of the ledger.
            "ledger": bool(scope_paths(user, Perm.LEDGER_VIEW)) and not resident,
            "resident": resident,
            "team": bool(scope_paths(user, Perm.USER_MANAGE)),
            "review": bool(scope_paths(user, Perm.REGISTRATION_REVIEW)),
            "merge": bool(scope_paths(user, Perm.PERSON_MERGE)),
            "audit": bool(scope_paths(user, Perm.AUDIT_VIEW)),
            "testing": bool(scope_paths(user, Perm.TESTING_VIEW)),
            "lab": bool(scope_paths(user, Perm.TESTING_LAB)),
            "transport": bool(scope_paths(user, Perm.TESTING_TRANSPORT)),
            "followups": bool(scope_paths(user, Perm.FOLLOWUP_MANAGE)),
            "antigen": bool(scope_paths(user, Perm.ANTIGEN_REPORT)),
            "supplies": bool(scope_paths(user, Perm.SUPPLY_VIEW)),
            "parcels": bool(scope_paths(user, Perm.PARCEL_HANDLE)),
            "errands": bool(scope_paths(user, Perm.HELP_WORK)),
        }
    }
