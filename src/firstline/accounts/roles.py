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
    # Mass testing (全员核酸).
    TESTING_VIEW = "testing.view"  # rounds, coverage, missing lists, tubes and boxes of the subtree
    TESTING_MANAGE = "testing.manage"  # rounds, pooling rules, sampling points, call-downs
    TESTING_SAMPLE = "testing.sample"  # register samples at a desk or door to door
    TESTING_EXEMPT = "testing.exempt"  # record why a person is not sampled in a round
    TESTING_TRANSPORT = "testing.transport"  # pack boxes of tubes and hand them over
    TESTING_LAB = "testing.lab"  # receive boxes at the lab and report results per tube (no personal data)
    TESTING_EXPORT = "testing.export"  # a round's list for the health authority (audited)
    ANTIGEN_REPORT = "antigen.report"  # report a household's antigen self-test
    FOLLOWUP_MANAGE = "followup.manage"  # work and close the follow-ups that positives open
    # Supplies (物资): warehouses, the stock ledger, donations, distribution campaigns.
    SUPPLY_VIEW = "supply.view"  # stock, donations, campaigns and their reconciliation in the subtree
    SUPPLY_MANAGE = "supply.manage"  # receive, issue, move, adjust and count stock; plan campaigns
    SUPPLY_DELIVER = "supply.deliver"  # take a campaign's share as a leader, record doors' receipts
    # Gate parcels (代收代送) and the day's deliveries.
    PARCEL_HANDLE = "parcel.handle"  # register parcels at the gate, disinfect, deliver to the door
    DELIVERY_PLAN = "delivery.plan"  # split the day's deliveries among the volunteers
    # Errands and help requests (跑腿/求助).
    HELP_REQUEST = "help.request"  # ask for help for a household (a resident: their own)
    HELP_WORK = "help.work"  # see the request queue, take requests, add progress, mark done
    HELP_MANAGE = "help.manage"  # triage, assign, cancel, escalate; accept or decline offers


# What each permission lets a person do, in words for a refusal ("Your role does not allow you to …").
PERM_ACTIONS = {
    Perm.LEDGER_VIEW: _("see households and people"),
    Perm.LEDGER_EDIT: _("correct people and households"),
    Perm.AREA_EDIT: _("add or change buildings, units and doors"),
    Perm.AREA_RISK: _("change the risk status of an area"),
    Perm.ID_REVEAL: _("see full ID numbers"),
    Perm.LEDGER_EXPORT: _("export lists of residents"),
    Perm.LEDGER_IMPORT: _("import lists of residents"),
    Perm.REGISTRATION_REVIEW: _("review self-registrations"),
    Perm.PERSON_MERGE: _("merge records of people"),
    Perm.VISIT_RECORD: _("record visits to households"),
    Perm.USER_MANAGE: _("manage the team's accounts"),
    Perm.AUDIT_VIEW: _("read the audit trail"),
    Perm.TESTING_VIEW: _("see mass-testing rounds and coverage"),
    Perm.TESTING_MANAGE: _("plan rounds, sampling points and call-downs"),
    Perm.TESTING_SAMPLE: _("register samples"),
    Perm.TESTING_EXEMPT: _("record why a person is not sampled"),
    Perm.TESTING_TRANSPORT: _("pack and hand off boxes of tubes"),
    Perm.TESTING_LAB: _("receive boxes and report lab results"),
    Perm.TESTING_EXPORT: _("export a round's list"),
    Perm.ANTIGEN_REPORT: _("report antigen self-tests"),
    Perm.FOLLOWUP_MANAGE: _("work on follow-ups"),
    Perm.SUPPLY_VIEW: _("see stock, donations and distributions"),
    Perm.SUPPLY_MANAGE: _("receive, issue and count stock and plan distributions"),
    Perm.SUPPLY_DELIVER: _("hand out a distribution's shares to doors"),
    Perm.PARCEL_HANDLE: _("register and deliver parcels at the gate"),
    Perm.DELIVERY_PLAN: _("split the day's deliveries among volunteers"),
    Perm.HELP_REQUEST: _("ask for help"),
    Perm.HELP_WORK: _("work on help requests"),
    Perm.HELP_MANAGE: _("triage and assign help requests"),
}


_STAFF = {
    Perm.LEDGER_VIEW,
    Perm.LEDGER_EDIT,
    Perm.AREA_EDIT,
    Perm.AREA_RISK,
    Perm.ID_REVEAL,
    Perm.LEDGER_EXPORT,
    Perm.LEDGER_IMPORT,
    Perm.REGISTRATION_REVIEW,
    Perm.PERSON_MERGE,
    Perm.VISIT_RECORD,
    Perm.USER_MANAGE,
    Perm.AUDIT_VIEW,
    Perm.TESTING_VIEW,
    Perm.TESTING_MANAGE,
    Perm.TESTING_SAMPLE,
    Perm.TESTING_EXEMPT,
    Perm.TESTING_TRANSPORT,
    Perm.TESTING_EXPORT,
    Perm.ANTIGEN_REPORT,
    Perm.FOLLOWUP_MANAGE,
    Perm.SUPPLY_VIEW,
    Perm.SUPPLY_MANAGE,
    Perm.SUPPLY_DELIVER,
    Perm.PARCEL_HANDLE,
    Perm.DELIVERY_PLAN,
    Perm.HELP_REQUEST,
    Perm.HELP_WORK,
    Perm.HELP_MANAGE,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STREET_COORDINATOR: frozenset(_STAFF),
    Role.COMMUNITY_STAFF: frozenset(_STAFF),
    # Leaders know their households: they see and correct them and record visits, but never see a
    # full ID number, export or import.
    # At testing time they register samples door to door, say who is away, and chase the missing.
    Role.BUILDING_LEADER: frozenset(
        {
            Perm.LEDGER_VIEW,
            Perm.LEDGER_EDIT,
            Perm.VISIT_RECORD,
            Perm.TESTING_VIEW,
            Perm.TESTING_SAMPLE,
            Perm.TESTING_EXEMPT,
            Perm.ANTIGEN_REPORT,
            # They take their buildings' share of a distribution and hand it to the doors, ask for
            # help for their households and carry errands.
            Perm.SUPPLY_VIEW,
            Perm.SUPPLY_DELIVER,
            Perm.PARCEL_HANDLE,
            Perm.HELP_REQUEST,
            Perm.HELP_WORK,
        }
    ),
    # Volunteers register at the desk, carry boxes, and see the coverage they work on.
    Role.VOLUNTEER: frozenset(
        {
            Perm.LEDGER_VIEW,
            Perm.VISIT_RECORD,
            Perm.TESTING_VIEW,
            Perm.TESTING_SAMPLE,
            Perm.TESTING_TRANSPORT,
            # They carry shares, parcels and errands to the doors.
            Perm.SUPPLY_VIEW,
            Perm.SUPPLY_DELIVER,
            Perm.PARCEL_HANDLE,
            Perm.HELP_REQUEST,
            Perm.HELP_WORK,
        }
    ),
    # A lab sees tubes and boxes, never people.
    Role.LAB: frozenset({Perm.TESTING_LAB}),
    # A resident reads their household, reports its antigen self-tests and asks for help.
    Role.RESIDENT: frozenset({Perm.LEDGER_VIEW, Perm.ANTIGEN_REPORT, Perm.HELP_REQUEST}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
