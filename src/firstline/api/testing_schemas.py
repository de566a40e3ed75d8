"""Input and output schemas of the mass-testing API (`api/testing.py`).

Names of people in answers are masked where the caller may not read the household's ledger; ID
numbers never appear. Descriptions stay in English: they document the API.
"""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from firstline.api.pagination import PageQuery
from firstline.api.schemas import AreaRefOut, PageOut
from firstline.api.types import Day, Flag, Id, IdParam, Int, IntOneOf, Moment, Text, TimeOfDay
from firstline.areas.models import INNER_STAIRWELLS, AreaKind, RiskStatus
from firstline.areas.selectors import door_label
from firstline.common.identity import mask_phone
from firstline.followups.models import AntigenReport, FollowUp
from firstline.people.models import VulnerabilityTag
from firstline.testing.models import (
    Box,
    BoxEvent,
    ExemptionReason,
    ResampleTask,
    ResultKind,
    RoundStatus,
    SamplePurpose,
    SampleState,
    TubeStatus,
)


class RoundOut(Schema):
    id: int
    area_id: int
    name: str
    date: dt.date
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    status: RoundStatus
    note: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None


class RoundCreateIn(Schema):
    area_id: Id = Field(description="The area that owns the round (a street, community or compound).")
    name: Text(100)
    date: Day = Field(description="From 2000-01-01 to a year from today.")
    scope: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Areas tested (inside `area_id`); empty means all of it.",
    )
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    note: Text(300) = ""


class RoundStatusIn(Schema):
    status: Literal["open", "closed"]


class ScanItemIn(Schema):
    client_id: uuid.UUID = Field(
        description="Made by the device when the scan happened; a scan sent again is stored once."
    )
    kind: Literal["sample", "close"] = Field(
        "sample", description="`sample`: a person into a tube; `close`: close a tube early."
    )
    tube_code: Text(64, description="The tube's barcode.")
    person_code: Text(200, description="A scanned personal or family code (FL1.…).") = ""
    person_id: Id | None = Field(None, description="A person picked from the caller's own door-to-door list.")
    id_number: Text(40, description="An ID number typed or read from the card (the fallback).") = ""
    point_id: Id | None = Field(None, description="The sampling point (desk scans).")
    desk: Int(1, 50) | None = None
    door_to_door: Flag = Field(False, description="Taken at the person's door rather than at a point.")
    scanned_at: Moment | None = Field(
        None,
        description="When the device scanned it, with its zone (now when left out). "
        "A scan outside the round's window is refused.",
    )


class ScanBatchIn(Schema):
    scans: list[ScanItemIn] = Field(
        max_length=10000, description="In the order they were made; at most 10,000."
    )


class TubeStateOut(Schema):
    code: str
    capacity: int
    filled: int
    status: str = Field(description="open or closed (a tube closes itself when full).")
    places_left: int
    per_household: bool
    for_resample: bool


class PersonOutcomeOut(Schema):
    sample_id: str
    status: Literal["stored", "duplicate", "refused", "conflict"]
    person_id: int | None
    name: str = Field(description="Masked unless the caller may read this household's ledger.")
    door: str
    purpose: Literal["screening", "resample"]
    out_of_scope: bool = Field(
        description="The person lives outside the round's areas (stored, and flagged)."
    )
    code: str
    message: str


class ScanOutcomeOut(Schema):
    client_id: str
    status: Literal["stored", "duplicate", "refused", "conflict"] = Field(
        description="`conflict`: this id is already stored for another scan; nothing was stored, keep the "
        "scan and "
        "send it again under a new id."
    )
    code: str = Field(
        description="Why it was refused: already_sampled, tube_full, tube_closed, tube_used, "
        "needs_smaller_tube, needs_household_tube, needs_single_tube, other_household, "
        "person_unknown, code_invalid, id_number, tube_code, scan_time, round_not_open, "
        "not_allowed, invalid; client_id_reused for a conflict."
    )
    message: str
    tube: TubeStateOut | None
    people: list[PersonOutcomeOut] = Field(description="One per person (a family code carries several).")


class ScanBatchOut(Schema):
    stored: int
    duplicates: int
    refused: int
    conflicts: int
    outcomes: list[ScanOutcomeOut] = Field(description="One per scan, in the order sent.")


# ---------------------------------------------------------------------------------------------
# Rounds


class RoundDetailOut(RoundOut):
    scope: list[AreaRefOut] = Field(description="The areas tested: everyone living under them is expected.")

    @staticmethod
    def resolve_scope(obj) -> list:
        return obj.scope_areas


class RoundUpdateIn(Schema):
    """Only the fields sent change; `null` clears the window's start or end."""

    name: Text(100) = None
    date: Day = Field(None, description="From 2000-01-01 to a year from today.")
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    note: Text(300) = None
    scope: list[Id] | None = Field(
        None, max_length=500, description="The new list of areas tested (not once the round is closed)."
    )


class RoundAreaQuery(PageQuery):
    area: IdParam | None = Field(
        None, description="The area to look under; the round's own area when left out."
    )


# ---------------------------------------------------------------------------------------------
# Pooling rules


TubeSize = IntOneOf(1, 5, 10, 20, description="People per tube: 1, 5, 10 or 20.")


class RiskRuleSchema(Schema):
    risk_status: RiskStatus
    capacity: TubeSize
    per_household: Flag = Field(False, description="One tube per household (sealed buildings).")


class AreaRuleIn(Schema):
    area_id: Id = Field(
        description="An area inside the round's area; its rule wins over the rules by risk status."
    )
    capacity: TubeSize
    per_household: Flag = False


class AreaRuleOut(AreaRuleIn):
    area_name: str
    area_kind: AreaKind

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_area_kind(obj) -> str:
        return obj.area.kind


class PoolingIn(Schema):
    by_risk: list[RiskRuleSchema] = Field(
        default_factory=list, max_length=4, description="Risk statuses left out keep their default."
    )
    by_area: list[AreaRuleIn] = Field(
        default_factory=list,
        max_length=2000,
        description="The full list of rules for areas; the old ones go.",
    )


class PoolingOut(Schema):
    by_risk: list[RiskRuleSchema] = Field(description="One rule per risk status, most severe first.")
    by_area: list[AreaRuleOut]


# ---------------------------------------------------------------------------------------------
# Sampling points


class PointOut(Schema):
    id: int
    compound_id: int
    compound_name: str
    name: str
    location: str
    desks: int
    opens_at: TimeOfDay
    closes_at: TimeOfDay
    per_desk_hour: int = Field(description="People a desk registers in an hour.")
    queue_cap: int = Field(description="How many people may wait at once.")
    is_active: bool
    serves: list[int] = Field(
        description="Buildings or units called down to this point; empty means the whole compound."
    )

    @staticmethod
    def resolve_compound_name(obj) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_serves(obj) -> list[int]:
        return sorted(area.pk for area in obj.serves.all())


class PointQuery(Schema):
    compound: IdParam | None = Field(None, description="Only the points of this compound.")


class PointCreateIn(Schema):
    compound_id: Id
    name: Text(100)
    location: Text(200) = ""
    desks: Int(1, 50) = 2
    opens_at: TimeOfDay = Field(None, description="Local time; 06:00 when left out.")
    closes_at: TimeOfDay = Field(None, description="Local time; 12:00 when left out.")
    per_desk_hour: Int(10, 600, "120 when left out.") = None
    queue_cap: Int(5, 1000, "40 when left out.") = None
    is_active: Flag = True
    serves: list[Id] = Field(default_factory=list, max_length=500)


class PointUpdateIn(Schema):
    """Only the fields sent change."""

    name: Text(100) = None
    location: Text(200) = None
    desks: Int(1, 50) = None
    opens_at: TimeOfDay = Field(None, description="Local time.")
    closes_at: TimeOfDay = Field(None, description="Local time.")
    per_desk_hour: Int(10, 600) = None
    queue_cap: Int(5, 1000) = None
    is_active: Flag = None
    serves: list[Id] | None = Field(
        None, max_length=500, description="The full new list; left out, it stays as it is."
    )


# ---------------------------------------------------------------------------------------------
# Exemptions


class ExemptionIn(Schema):
    person_id: Id
    reason: ExemptionReason
    note: Text(200, description="Needed when the reason is `other`.") = ""


class ExemptionOut(Schema):
    id: int
    round_id: int
    person_id: int
    name: str
    reason: ExemptionReason
    note: str
    created_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None


class ExemptionPage(PageOut):
    items: list[ExemptionOut]


# ---------------------------------------------------------------------------------------------
# Tubes


class TubeOut(Schema):
    code: str
    round_id: int
    capacity: int
    filled: int
    status: TubeStatus
    result: ResultKind
    per_household: bool
    for_resample: bool
    door_to_door: bool
    point_id: int | None
    point_name: str
    desk: int | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    box_code: str | None
    boxed_at: dt.datetime | None
    received_at: dt.datetime | None = Field(
        description="When the lab received it; only received tubes get a result."
    )

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.point.name if obj.point else ""

    @staticmethod
    def resolve_box_code(obj) -> str | None:
        return obj.box.code if obj.box else None


class TubeQuery(PageQuery):
    status: TubeStatus | None = None
    result: ResultKind | None = None


class TubePage(PageOut):
    items: list[TubeOut]


class TubePersonOut(Schema):
    sample_id: str
    person_id: int
    name: str = Field(description="Masked unless the caller may read this household's ledger.")
    door: str = Field(description="Empty unless the caller may read this household's ledger.")
    purpose: SamplePurpose
    state: SampleState
    scanned_at: dt.datetime
    out_of_scope: bool


class TubeDetailOut(TubeOut):
    people: list[TubePersonOut] = Field(description="Empty for a lab: a lab never sees people.")

    @staticmethod
    def resolve_people(obj) -> list:
        return obj.people


class TubeCloseIn(Schema):
    client_id: uuid.UUID | None = Field(
        None, description="The device's id for the close scan (made here when left out)."
    )


class SealIn(Schema):
    level: Literal["household", "unit", "building"] = Field(
        description="Seal the doors, their units or their buildings."
    )


class SealedAreaOut(Schema):
    id: int
    kind: AreaKind
    name: str
    risk_status: RiskStatus


# ---------------------------------------------------------------------------------------------
# Boxes


class BoxEventOut(Schema):
    kind: BoxEvent.Kind
    by: str | None
    at: dt.datetime
    tube_count: int | None
    missing: list[str] = Field(description="Tubes of the box the lab did not find (received tube by tube).")
    unexpected: list[str] = Field(description="Tubes the lab found that were not scanned into the box.")
    note: str
    courier_name: str = Field(description="Who took the box at the pick-up (empty for other hand-offs).")
    courier_phone: str = Field(description="The courier's phone, masked.")

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.get_username() if obj.by else None

    @staticmethod
    def resolve_courier_phone(obj) -> str:
        return obj.courier_phone_masked


class BoxOut(Schema):
    code: str
    round_id: int
    point_id: int | None
    point_name: str
    status: Box.Status
    tube_count: int | None = Field(description="Counted by hand when packed.")
    tubes_in: int = Field(description="Tubes scanned into the box.")
    created_at: dt.datetime
    events: list[BoxEventOut] = Field(description="Hand-offs, oldest first: packed, picked up, received.")

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.point.name if obj.point else ""

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.hand_offs


class BoxPage(PageOut):
    items: list[BoxOut]


class BoxQuery(PageQuery):
    status: Box.Status | None = None


class BoxTubeOut(Schema):
    code: str
    filled: int
    status: TubeStatus
    result: ResultKind
    boxed_at: dt.datetime | None
    received_at: dt.datetime | None


class BoxDetailOut(BoxOut):
    tubes: list[BoxTubeOut]

    @staticmethod
    def resolve_tubes(obj) -> list:
        return obj.tube_list


class BoxOpenIn(Schema):
    code: Text(64, description="The box's barcode.")
    point_id: Id | None = Field(None, description="Where the box is packed: a sampling point…")
    area_id: Id | None = Field(None, description="…or, door to door, an area such as a building.")


class BoxTubesIn(Schema):
    tube_codes: list[Text(64)] = Field(max_length=2000)


class RefusedTubeOut(Schema):
    tube_code: str
    message: str


class BoxScanOut(Schema):
    added: list[str]
    already: list[str] = Field(description="Already in this box: nothing changed.")
    closed: list[str] = Field(description="Tubes still open, closed as they went in.")
    refused: list[RefusedTubeOut]

    @staticmethod
    def resolve_refused(obj) -> list[dict]:
        return [{"tube_code": code, "message": message} for code, message in obj.refused]


class BoxPackIn(Schema):
    counted: Int(0, 2000, "Tubes counted by hand: must match the tubes scanned into the box.")


class BoxPickupIn(Schema):
    counted: Int(0, 2000, "Tubes counted at pick-up (checked against the packed count).") | None = None
    courier_name: Text(60) = Field("", description="The courier who takes the box (转运员), as they give it.")
    courier_phone: Text(20) = Field("", description="The courier's phone (shown masked).")


class BoxReceiveIn(Schema):
    counted: Int(0, 2000, "Tubes counted at the lab…") | None = None
    tube_codes: list[Text(64)] | None = Field(
        None, max_length=2000, description="…or every tube scanned one by one."
    )
    note: Text(200) = ""


class ReceiptOut(Schema):
    box: BoxDetailOut
    received: int
    missing: list[str]
    unexpected: list[str]


# ---------------------------------------------------------------------------------------------
# Lab results


class ResultItemIn(Schema):
    tube_code: Text(64)
    result: Text(20, description="negative, positive or invalid; the lab's own words too (阴性, 阳性, 无效).")
    reported_at: Moment | None = Field(
        None, description="When the lab reported it, with its zone (now when left out)."
    )
    source_ref: Text(200, description="The lab system's own reference.") = ""


class ResultsIn(Schema):
    results: list[ResultItemIn] = Field(max_length=10000)


class ResultOutcomeOut(Schema):
    tube_code: str
    status: Literal["stored", "duplicate", "refused"]
    result: str
    code: str = Field(description="Why it was refused: invalid, tube_unknown, not_received, result_conflict.")
    message: str


class ResultsOut(Schema):
    stored: int
    duplicates: int
    refused: int
    outcomes: list[ResultOutcomeOut] = Field(description="One per result, in the order sent.")


class ResultUploadIn(Schema):
    mapping: Text(
        5000,
        description="Optional JSON object {header: field} (fields: tube_code, result, reported_at); "
        "found from the headers when empty. A header the file does not have is refused.",
    ) = ""
    save_as: Text(100, description="Save the mapping under the lab's name, or reuse the one saved.") = ""


class UploadRowOut(Schema):
    row: int | None = Field(description="Row number as the spreadsheet shows it (the header row counts).")
    tube: str
    code: str
    message: str


class ResultUploadOut(Schema):
    id: int
    filename: str
    uploaded_at: dt.datetime
    mapping: dict[str, str] = Field(description="Column header → field, as used.")
    rows: int
    stored: int
    duplicates: int
    refused: int
    report: list[UploadRowOut] = Field(description="Every refused row with its reason.")


# ---------------------------------------------------------------------------------------------
# Coverage, the missing, a building door by door


class CoverageRowOut(Schema):
    area_id: int
    name: str
    kind: AreaKind
    expected: int
    sampled: int
    exempt: int
    missing: int
    percent: float = Field(description="Sampled or exempt, of those expected (100 when nobody is expected).")

    @staticmethod
    def resolve_area_id(obj) -> int:
        return obj.area.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.area.kind


class CoverageOut(Schema):
    round_id: int
    total: CoverageRowOut
    children: list[CoverageRowOut]
    outside: int = Field(
        description="Samples taken under this area from people who live outside the round's areas."
    )

    @staticmethod
    def resolve_round_id(obj) -> int:
        return obj.round.pk


class MissingOut(Schema):
    person_id: int
    name: str
    household_id: int
    door: str = Field(description="'1号楼2单元501'.")
    building: str
    unit: str | None
    floor: int | None
    phone: str = Field(description="Masked.")
    vulnerabilities: list[VulnerabilityTag]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_door(obj) -> str:
        return door_label(obj.household)

    @staticmethod
    def resolve_building(obj) -> str:
        parent = obj.household.parent
        return parent.parent.name if parent.kind in INNER_STAIRWELLS else parent.name

    @staticmethod
    def resolve_unit(obj) -> str | None:
        parent = obj.household.parent
        return parent.name if parent.kind in INNER_STAIRWELLS else None

    @staticmethod
    def resolve_floor(obj) -> int | None:
        return obj.household.floor

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.person.phone)

    @staticmethod
    def resolve_vulnerabilities(obj) -> list[str]:
        return [v.tag for v in obj.person.vulnerabilities.all()]


class MissingPage(PageOut):
    items: list[MissingOut]


class DoorPersonOut(Schema):
    person_id: int
    name: str
    age: int | None
    tags: list[VulnerabilityTag]
    state: Literal["missing", "exempt", "pending", "negative", "resample", "resampled", "positive"]
    tube: str = Field(description="The tube the person is in, once sampled.")
    exemption: str = Field(description="The exemption's reason, if any.")
    immobile: bool
    to_sample: bool = Field(description="Owed a swab: missing, or waiting for a single-tube re-sample.")


class DoorOut(Schema):
    household_id: int
    door: str
    label: str
    risk: RiskStatus = Field(description="The most severe status of the door, its unit and its building.")
    capacity: int = Field(description="People per tube for this door under the round's pooling rules.")
    per_household: bool
    sealed: bool
    needs_visit: bool = Field(
        description="Someone here is owed a swab at the door: sealed, immobile, or a re-sample."
    )
    status: str = Field(
        description="empty, done, partial, missing, pending, exempt, negative, resample, resampled or "
        "positive."
    )
    people: list[DoorPersonOut]

    @staticmethod
    def resolve_household_id(obj) -> int:
        return obj.household.pk

    @staticmethod
    def resolve_door(obj) -> str:
        return obj.household.door


class RoundFloorOut(Schema):
    floor: int
    doors: list[DoorOut]

    @staticmethod
    def resolve_floor(obj) -> int:
        return obj[0]

    @staticmethod
    def resolve_doors(obj) -> list:
        return obj[1]


class RoundStairwellOut(Schema):
    id: int
    name: str
    floors: list[RoundFloorOut]

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.area.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.area.name


class BuildingRoundOut(Schema):
    building: AreaRefOut
    totals: dict[str, int] = Field(description="Doors by status.")
    stairwells: list[RoundStairwellOut] = Field(
        description="Floors top down on the building map, bottom up door to door."
    )


class DoorToDoorQuery(Schema):
    everyone: bool = Field(
        False, description="Every door where someone is owed a swab, not only those needing a visit."
    )


# ---------------------------------------------------------------------------------------------
# Call-downs


class CallDownQuery(Schema):
    point: IdParam = Field(description="The sampling point.")


class WaveOut(Schema):
    number: int
    stairwell_ids: list[int]
    labels: list[str] = Field(description="'1号楼1单元、2单元': units grouped under their building.")
    people: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    message: str = Field(description="The text to read out or paste into the building groups.")
    recall: bool = Field(description="Called before and still not all down: called again.")

    @staticmethod
    def resolve_stairwell_ids(obj) -> list[int]:
        return [area.pk for area in obj.stairwells]


class CalledWaveOut(Schema):
    id: int
    called_at: dt.datetime
    called_by: str | None
    stairwell_ids: list[int]
    labels: list[str]
    people_expected: int
    remaining: int = Field(description="People of these stairwells not sampled yet.")
    message: str

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.call.pk

    @staticmethod
    def resolve_called_at(obj) -> dt.datetime:
        return obj.call.called_at

    @staticmethod
    def resolve_called_by(obj) -> str | None:
        return obj.call.called_by.get_username() if obj.call.called_by else None

    @staticmethod
    def resolve_stairwell_ids(obj) -> list[int]:
        return [area.pk for area in obj.call.stairwells.all()]

    @staticmethod
    def resolve_people_expected(obj) -> int:
        return obj.call.people_expected

    @staticmethod
    def resolve_message(obj) -> str:
        return obj.call.message


class CallDownPlanOut(Schema):
    point_id: int
    point_name: str
    planned_rate: int = Field(description="People an hour: desks × people per desk per hour.")
    measured_rate: int | None = Field(
        description="People an hour over the last half hour, once sampling has started."
    )
    rate: int
    waves: list[WaveOut]
    called: list[CalledWaveOut]
    door_to_door: list[str] = Field(description="Sealed stairwells: sampled at the door, never called down.")

    @staticmethod
    def resolve_point_id(obj) -> int:
        return obj.point.pk

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.point.name


class CallDownIn(Schema):
    point_id: Id
    stairwell_ids: list[Id] = Field(max_length=200, description="Buildings or units of the point's compound.")
    people_expected: Int(0, 100_000) = 0


class CallDownOut(Schema):
    id: int
    round_id: int
    point_id: int
    stairwell_ids: list[int]
    message: str
    people_expected: int
    called_at: dt.datetime
    called_by: str | None

    @staticmethod
    def resolve_stairwell_ids(obj) -> list[int]:
        return sorted(area.pk for area in obj.stairwells.all())

    @staticmethod
    def resolve_called_by(obj) -> str | None:
        return obj.called_by.get_username() if obj.called_by else None


# ---------------------------------------------------------------------------------------------
# Positives and re-samples


class PositivePersonOut(Schema):
    person_id: int
    name: str
    household_id: int | None
    door: str
    state: SampleState = Field(description="The state of the person's sample in the positive tube.")
    resample_task: str = Field(
        description="open, done or cancelled; empty when there is no task (a single tube)."
    )
    resample_state: str = Field(description="The state of the single-tube re-sample, once taken.")
    risk: str = Field(description="The door's effective risk status.")

    @staticmethod
    def resolve_person_id(obj) -> int:
        return obj["person"].pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["person"].name

    @staticmethod
    def resolve_state(obj) -> str:
        return obj["sample"].state

    @staticmethod
    def resolve_resample_task(obj) -> str:
        return obj["task"].status if obj["task"] else ""


class PositiveTubeOut(Schema):
    code: str
    capacity: int
    filled: int
    point_name: str
    opened_at: dt.datetime
    people: list[PositivePersonOut]

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.tube.code

    @staticmethod
    def resolve_capacity(obj) -> int:
        return obj.tube.capacity

    @staticmethod
    def resolve_filled(obj) -> int:
        return obj.tube.filled

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.tube.point.name if obj.tube.point else ""

    @staticmethod
    def resolve_opened_at(obj) -> dt.datetime:
        return obj.tube.opened_at


class ResampleQuery(PageQuery):
    status: Literal["open", "done", "cancelled", "all"] = "open"


class ResampleTaskOut(Schema):
    id: int
    person_id: int
    name: str
    household_id: int | None
    door: str
    status: ResampleTask.Status
    pool_tube: str
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_door(obj) -> str:
        return obj.door_label

    @staticmethod
    def resolve_pool_tube(obj) -> str:
        return obj.pool_sample.tube.code


class ResamplePage(PageOut):
    items: list[ResampleTaskOut]


# ---------------------------------------------------------------------------------------------
# Counts


class SummaryOut(Schema):
    round_id: int
    expected: int = Field(description="People living in the part of the round the caller sees.")
    sampled: int
    exempt: int
    missing: int
    percent: float
    samples: int = Field(description="Samples taken (screening and re-samples), by where the people live.")
    tubes_open: int
    tubes_closed: int
    tubes_received: int
    results: dict[str, int] = Field(description="Tubes by result: pending, negative, positive, invalid.")
    boxes: dict[str, int] = Field(description="Boxes by status.")
    resample_open: int
    resample_done: int
    exemptions: int


# ---------------------------------------------------------------------------------------------
# Antigen self-tests and follow-ups


class AntigenIn(Schema):
    household_id: Id
    person_id: Id | None = Field(None, description="Who took the test, a member of the household.")
    result: AntigenReport.Result
    taken_at: Moment | None = Field(None, description="With a time zone; now when left out.")
    note: Text(200) = ""
    client_key: Text(
        64, description="Made once per form (8+ characters): a report sent twice is stored once."
    )


class AntigenOut(Schema):
    id: int
    household_id: int
    door: str
    person_id: int | None
    name: str
    result: AntigenReport.Result
    taken_at: dt.datetime
    note: str
    reported_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_door(obj) -> str:
        return obj.door_label

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name if obj.person else ""

    @staticmethod
    def resolve_reported_by(obj) -> str | None:
        return obj.reported_by.get_username() if obj.reported_by else None


class AntigenQuery(PageQuery):
    area: IdParam = Field(description="The area to look under (a household for a resident).")


class AntigenPage(PageOut):
    items: list[AntigenOut]


class FollowUpQuery(PageQuery):
    status: Literal["open", "closed", "all"] = "open"


class FollowUpOut(Schema):
    id: int
    household_id: int
    door: str
    person_id: int | None
    name: str
    reason: FollowUp.Reason
    status: FollowUp.Status
    tube_code: str = Field(description="The positive single tube, for a positive result.")
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closed_by: str | None
    closing_note: str

    @staticmethod
    def resolve_door(obj) -> str:
        return obj.door_label

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name if obj.person else ""

    @staticmethod
    def resolve_tube_code(obj) -> str:
        return obj.sample.tube.code if obj.sample else ""

    @staticmethod
    def resolve_closed_by(obj) -> str | None:
        return obj.closed_by.get_username() if obj.closed_by else None


class FollowUpPage(PageOut):
    items: list[FollowUpOut]


class FollowUpCloseIn(Schema):
    note: Text(300, description="How the follow-up ended (negative PCR, moved to quarantine…).")


class RoundAreaFilter(Schema):
    area: IdParam | None = Field(
        None, description="The area to look under; the round's own area when left out."
    )


class ExportQuery(RoundAreaFilter):
    unmasked: bool = Field(
        False, description="ID numbers and phones in clear: needs the reveal right too (audited)."
    )
