"""Roles and what each may do on the subtree of the area it is granted on.

A permission is a plain string `<domain>.<verb>`. The table below is the single place that says
who may do what; services ask `accounts.scope.require(...)` and selectors ask `scope_paths(...)`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_COORDINATOR = "street_coordinator", _("Street coordinator")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    BUILDING_LEADER = "building_leader", _("Grid / building leader")
    VOLUNTEER = "volunteer", _("Volunteer")
    LAB = "lab", _("Lab")
    RESIDENT = "resident", _("Resident")


class Perm:
    LEDGER_VIEW = "ledger.view"  # see households and people (masked)
    LEDGER_EDIT = "ledger.edit"  # correct people, residences, vulnerabilities
    AREA_EDIT = "area.edit"  # add buildings, units, households
    AREA_RISK = "area.risk"  # change the risk status
    ID_REVEAL = "person.reveal_id"  # see an ID number in clear (audited)
    LEDGER_EXPORT = "ledger.export"  # export a ledger to a file (audited)
    LEDGER_IMPORT = "ledger.import"  # import a resident list
    REGISTRATION_REVIEW = "registration.review"  # accept / reject self-registrations
    PERSON_MERGE = "person.merge"
    VISIT_RECORD = "visit.record"  # record a survey visit (摸排)
    USER_MANAGE = "user.manage"  # grant roles inside the subtree
    AUDIT_VIEW = "audit.view"


_STAFF = {
    Perm.LEDGER_VIEW, Perm.LEDGER_EDIT, Perm.AREA_EDIT, Perm.AREA_RISK, Perm.ID_REVEAL,
    Perm.LEDGER_EXPORT, Perm.LEDGER_IMPORT, Perm.REGISTRATION_REVIEW, Perm.PERSON_MERGE,
    Perm.VISIT_RECORD, Perm.USER_MANAGE, Perm.AUDIT_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STREET_COORDINATOR: frozenset(_STAFF),
    Role.COMMUNITY_STAFF: frozenset(_STAFF),
    # Leaders know their households: they see and correct them and record visits, but never see a
    # full ID number, export or import.
    Role.BUILDING_LEADER: frozenset({Perm.LEDGER_VIEW, Perm.LEDGER_EDIT, Perm.VISIT_RECORD}),
    Role.VOLUNTEER: frozenset({Perm.LEDGER_VIEW, Perm.VISIT_RECORD}),
    Role.LAB: frozenset(),
    Role.RESIDENT: frozenset({Perm.LEDGER_VIEW}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
