"""Input and output schemas of the JSON API, shared by the routers of areas, people and survey.

Schemas only shape data: no queries, no rules. Every answer about a person carries the masked ID
number (`id_masked`) and never the number itself; the one exception is `RevealOut`, returned by the
audited reveal call. Descriptions stay in English: they document the API, not a page.
"""

import datetime as dt

from ninja import Field, Schema

from firstline.api.pagination import PageQuery
from firstline.areas.models import AreaKind, RiskStatus
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
    errors: dict[str, list[str]] = Field(description="Messages by input field; `__all__` for the whole input.")


class ConflictOut(ErrorOut):
    person_id: int | None = Field(None, description="The record already holding this ID number, if you may see it.")


READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: InvalidOut}


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
    name: str
    sort_key: int = 0
    has_lift: bool | None = None
    floors: int | None = None
    floor: int | None = None
    door: str = ""


class AreaUpdateIn(Schema):
    name: str | None = None
    note: str | None = None
    has_lift: bool | None = Field(None, description="Buildings only.")
    floors: int | None = Field(None, description="Buildings only.")
    floor: int | None = Field(None, description="Households only.")
    door: str | None = Field(None, description="Households only.")


class BuildingCreateIn(Schema):
    name: str
    units: int = Field(description="Stairwells (0 to 20); 0 puts the doors directly under the building.")
    floors: int = Field(description="1 to 60.")
    doors_per_floor: int = Field(description="1 to 20.")
    has_lift: bool


class RiskIn(Schema):
    status: RiskStatus
    reason: str


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
    id_masked: str = Field(description="The ID number, masked. POST /people/{id}/reveal-id shows it (audited).")
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
    q: str = Field(description="An exact ID number, a phone, a door ('3-2-501', '3号楼2单元501') or a name (prefix).")


class PersonSearchPage(PageOut):
    query_kind: str = Field(description="How the query was read: id_number, phone, door, name or empty.")
    items: list[PersonSummaryOut]


class VulnerabilityIn(Schema):
    tag: str = Field(description="A vulnerable group: a tag value or the words people type (独居老人, 孕妇…).")
    due_date: dt.date | None = None
    note: str = ""


class PersonRegisterIn(Schema):
    """Raw values, cleaned by the same rules as the forms and imports; faults come back by field."""

    household_id: int
    name: str
    id_type: str | None = Field(None, description="resident_id (the default when a number is given), passport, …, none.")
    id_number: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    age: str | None = Field(None, description="Years, when the birth date is unknown.")
    sex: str | None = None
    vaccination: str | None = None
    relation: str | None = None
    status: str | None = Field(None, description="resident, tenant or temporary.")
    vulnerabilities: list[VulnerabilityIn] = []
    returned_from: str | None = None
    returned_on: dt.date | None = None
    note: str | None = None
    moved_in: dt.date | None = None


class PersonUpdateIn(Schema):
    """Only the fields sent change."""

    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    age: str | None = None
    sex: str | None = None
    vaccination: str | None = None
    returned_from: str | None = None
    returned_on: dt.date | None = None
    note: str | None = None


class RevealIn(Schema):
    reason: str = Field("", description="Why the number is needed; kept in the audit trail.")


class RevealOut(Schema):
    id_number: str


class VulnerabilitiesIn(Schema):
    vulnerabilities: list[VulnerabilityIn] = Field(description="The full new list; groups left out are removed.")


class MoveIn(Schema):
    household_id: int
    relation: str = "other"
    status: str = "resident"
    date: dt.date


class EndResidenceIn(Schema):
    date: dt.date
    reason: str = ""


class MergeIn(Schema):
    keep_id: int
    merge_id: int


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
    household_id: int
    outcome: Outcome
    channel: Channel = Channel.DOOR
    note: str = ""
    visited_at: dt.datetime | None = Field(None, description="With a time zone; now when left out.")


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
    area: int = Field(description="The area to look under.")


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
        return obj.parent.name if obj.parent.kind == AreaKind.UNIT else None

    @staticmethod
    def resolve_building(obj) -> str:
        return obj.parent.parent.name if obj.parent.kind == AreaKind.UNIT else obj.parent.name


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
