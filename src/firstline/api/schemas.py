"""Input and output schemas of the JSON API, shared by the routers of areas, people and survey.

Schemas only shape data: no queries, no rules. Every answer about a person carries the masked ID
number (`id_masked`) and never the number itself; the one exception is `RevealOut`, returned by the
audited reveal call. Descriptions stay in English: they document the API, not a page.
"""

import datetime as dt

from ninja import Field, Schema

from firstline.api.pagination import PageIn, PageQuery
from firstline.api.types import MAX_SORT_KEY, Day, Flag, Id, IdParam, Int, Moment, Text
from firstline.areas.models import INNER_STAIRWELLS, AreaKind, RiskStatus
from firstline.common.identity import IdType
from firstline.people.models import Relation, ResidenceStatus, Sex, Source, Vaccination, VulnerabilityTag
from firstline.survey.models import Channel, Outcome

# ---------------------------------------------------------------------------------------------
# Errors (documented here; produced by the exception handlers of api/root.py)


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class InvalidOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = Field(
        description="Messages by input field; `__all__` for the whole input."
    )


class ConflictOut(ErrorOut):
    person_id: int | None = Field(
        None, description="The record already holding this ID number, if you may see it."
    )


# 400: a body that is not JSON (or not the form an upload needs); 429: too many failed sign-ins or
# wrong tokens from this client, retry after the time the Retry-After header gives.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut, 429: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
    422: InvalidOut,
    429: ErrorOut,
}


class PageOut(Schema):
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


# ---------------------------------------------------------------------------------------------
# Areas


class AreaRefOut(Schema):
    id: int
    kind: AreaKind
    name: str


class AreaOut(Schema):
    id: int
    parent_id: int | None
    kind: AreaKind
    name: str
    risk_status: RiskStatus
    sort_key: int
    has_lift: bool | None = Field(description="Buildings only.")
    floors: int | None = Field(description="Buildings only.")
    floor: int | None = Field(description="Households only.")
    door: str = Field(description="Households only.")
    note: str


class AreaDetailOut(AreaOut):
    ancestors: list[AreaRefOut] = Field(description="From the root down, without this area.")
    effective_risk: RiskStatus = Field(description="The most severe status of this area and its ancestors.")


class AreaChildOut(AreaOut):
    residents: int = Field(description="People living now anywhere under this area.")


class AreaChildPage(PageOut):
    items: list[AreaChildOut]


class AreaCreateIn(Schema):
    kind: AreaKind
    name: Text(100)
    sort_key: Int(0, MAX_SORT_KEY, "Orders the area among its siblings.") = 0
    has_lift: Flag | None = Field(None, description="Buildings only.")
    floors: Int(1, 60, "Buildings only.") | None = None
    floor: Int(-5, 60, "Households only (negative: basement).") | None = None
    door: Text(20, description="Households only.") = ""


class AreaUpdateIn(Schema):
    name: Text(100) | None = None
    note: Text(200) | None = None
    has_lift: Flag | None = Field(None, description="Buildings only.")
    floors: Int(1, 60, "Buildings only.") | None = None
    floor: Int(-5, 60, "Households only (negative: basement).") | None = None
    door: Text(20, description="Households only.") | None = None


class BuildingCreateIn(Schema):
    name: Text(100)
    units: Int(0, 20, "Stairwells; 0 puts the doors directly under the building.")
    floors: Int(1, 60)
    doors_per_floor: Int(1, 20)
    has_lift: Flag


class RiskIn(Schema):
    status: RiskStatus
    reason: Text(300, description="Why the status changes; kept in the history.")


class RiskChangeOut(Schema):
    id: int
    old_status: RiskStatus
    new_status: RiskStatus
    reason: str
    changed_by: str | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_changed_by(obj) -> str | None:
        return obj.changed_by.get_username() if obj.changed_by else None


class RiskChangePage(PageOut):
    items: list[RiskChangeOut]


class MapDoorOut(Schema):
    household_id: int
    name: str
    door: str
    floor: int | None
    residents: int
    reached: bool
    attempts: int
    tags: list[VulnerabilityTag]
    risk: RiskStatus
    status: str = Field(description="sealed, vulnerable, not_reached, registered or empty.")

    @staticmethod
    def resolve_household_id(obj) -> int:
        return obj.household.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.household.name

    @staticmethod
    def resolve_door(obj) -> str:
        return obj.household.door

    @staticmethod
    def resolve_floor(obj) -> int | None:
        return obj.household.floor


class MapFloorOut(Schema):
    floor: int
    doors: list[MapDoorOut]

    @staticmethod
    def resolve_floor(obj) -> int:
        return obj[0]

    @staticmethod
    def resolve_doors(obj) -> list:
        return obj[1]


class MapStairwellOut(Schema):
    id: int
    name: str
    floors: list[MapFloorOut] = Field(description="Top floor first.")

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.area.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.area.name


class BuildingMapOut(Schema):
    building: AreaOut
    residents: int
    totals: dict[str, int] = Field(description="Doors by map status.")
    stairwells: list[MapStairwellOut]


# ---------------------------------------------------------------------------------------------
# People


class PersonSummaryOut(Schema):
    id: int
    name: str
    id_type: IdType
    id_masked: str = Field(
        description="The ID number, masked. POST /people/{id}/reveal-id shows it (audited)."
    )
    phone: str
    birth_date: dt.date | None
    birth_date_estimated: bool
    sex: Sex
    vaccination: Vaccination


class ResidenceOut(Schema):
    id: int
    household_id: int
    household_name: str
    relation: Relation
    status: ResidenceStatus
    moved_in: dt.date | None
    moved_out: dt.date | None
    is_current: bool

    @staticmethod
    def resolve_household_name(obj) -> str:
        return obj.household.name


class VulnerabilityOut(Schema):
    tag: VulnerabilityTag
    due_date: dt.date | None
    note: str


class PersonDetailOut(PersonSummaryOut):
    returned_from: str
    returned_on: dt.date | None
    note: str
    source: Source
    residences: list[ResidenceOut] = Field(description="Current first, then the past ones.")
    vulnerabilities: list[VulnerabilityOut]


class PersonSearchQuery(PageQuery):
    q: Text(100) = Field(
        description="A door ('3-2-501', '3号楼2单元501') or a name (prefix). An ID number or a "
        "phone is refused here (422): it would reach server and proxy logs; POST it in the body."
    )


class PersonSearchIn(PageIn):
    q: Text(100) = Field(
        description="An exact ID number, a phone, a door ('3-2-501', '3号楼2单元501') or a name (prefix)."
    )


class PersonSearchPage(PageOut):
    query_kind: str = Field(description="How the query was read: id_number, phone, door, name or empty.")
    items: list[PersonSummaryOut]


class VulnerabilityIn(Schema):
    tag: Text(60, description="A vulnerable group: a tag value or the words people type (独居老人, 孕妇…).")
    due_date: Day | None = None
    note: Text(200) = ""


class PersonRegisterIn(Schema):
    """Raw values, cleaned by the same rules as the forms and imports; faults come back by field."""

    household_id: Id
    name: Text(60)
    id_type: (
        Text(40, description="resident_id (the default when a number is given), passport, …, none.") | None
    ) = None
    id_number: Text(40) | None = None
    phone: Text(30) | None = None
    birth_date: Day | None = None
    age: Text(10, description="Years, when the birth date is unknown.") | None = None
    sex: Text(10) | None = None
    vaccination: Text(20) | None = None
    relation: Text(20) | None = None
    status: Text(20, description="resident, tenant or temporary.") | None = None
    vulnerabilities: list[VulnerabilityIn] = Field([], max_length=20)
    returned_from: Text(100) | None = None
    returned_on: Day | None = None
    note: Text(300) | None = None
    moved_in: Day | None = None


class PersonUpdateIn(Schema):
    """Only the fields sent change."""

    name: Text(60) | None = None
    id_type: Text(40) | None = None
    id_number: Text(40) | None = None
    phone: Text(30) | None = None
    birth_date: Day | None = None
    age: Text(10) | None = None
    sex: Text(10) | None = None
    vaccination: Text(20) | None = None
    returned_from: Text(100) | None = None
    returned_on: Day | None = None
    note: Text(300) | None = None


class RevealIn(Schema):
    reason: Text(200, description="Why the number is needed; kept in the audit trail.") = ""


class RevealOut(Schema):
    id_number: str


class VulnerabilitiesIn(Schema):
    vulnerabilities: list[VulnerabilityIn] = Field(
        max_length=20, description="The full new list; groups left out are removed."
    )


class MoveIn(Schema):
    household_id: Id
    relation: Text(20) = "other"
    status: Text(20) = "resident"
    date: Day


class EndResidenceIn(Schema):
    date: Day
    reason: Text(200) = ""


class MergeIn(Schema):
    keep_id: Id
    merge_id: Id


class MemberOut(Schema):
    person: PersonSummaryOut
    relation: Relation
    status: ResidenceStatus
    moved_in: dt.date | None
    vulnerabilities: list[VulnerabilityTag]

    @staticmethod
    def resolve_vulnerabilities(obj) -> list[str]:
        return sorted(v.tag for v in obj.person.vulnerabilities.all())


# ---------------------------------------------------------------------------------------------
# Survey visits


class VisitIn(Schema):
    household_id: Id
    outcome: Outcome
    channel: Channel = Channel.DOOR
    note: Text(300) = ""
    visited_at: Moment | None = Field(None, description="With a time zone; now when left out.")


class VisitOut(Schema):
    id: int
    household_id: int
    outcome: Outcome
    channel: Channel
    note: str
    visited_at: dt.datetime
    visited_by: str | None

    @staticmethod
    def resolve_visited_by(obj) -> str | None:
        return obj.visited_by.get_username() if obj.visited_by else None


class AreaQuery(PageQuery):
    area: IdParam = Field(description="The area to look under.")


class VulnerableQuery(AreaQuery):
    tag: VulnerabilityTag | None = None


class HouseholdDueOut(Schema):
    id: int
    name: str
    door: str
    floor: int | None
    unit: str | None
    building: str
    attempts: int

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.parent.name if obj.parent.kind in INNER_STAIRWELLS else None

    @staticmethod
    def resolve_building(obj) -> str:
        return obj.parent.parent.name if obj.parent.kind in INNER_STAIRWELLS else obj.parent.name


class HouseholdDuePage(PageOut):
    items: list[HouseholdDueOut]


class VulnerableOut(Schema):
    tag: VulnerabilityTag
    due_date: dt.date | None
    person_id: int
    name: str
    birth_date: dt.date | None
    phone: str
    household_id: int
    household_name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["person__name"]

    @staticmethod
    def resolve_birth_date(obj):
        return obj["person__birth_date"]

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj["person__phone"]

    @staticmethod
    def resolve_household_id(obj) -> int:
        return obj["person__residences__household_id"]

    @staticmethod
    def resolve_household_name(obj) -> str:
        return obj["person__residences__household__name"]


class VulnerablePage(PageOut):
    items: list[VulnerableOut]
