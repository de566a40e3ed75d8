"""Input and output schemas of the mass-testing API (`api/testing.py`).

Names of people in answers are masked where the caller may not read the household's ledger; ID
numbers never appear. Descriptions stay in English: they document the API.
"""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from firstline.testing.models import RoundStatus


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
    area_id: int = Field(description="The area that owns the round (a street, community or compound).")
    name: str
    date: dt.date
    scope: list[int] = Field(default_factory=list, description="Areas tested (inside `area_id`); empty means all of it.")
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    note: str = ""


class RoundStatusIn(Schema):
    status: Literal["open", "closed"]


class ScanItemIn(Schema):
    client_id: uuid.UUID = Field(description="Made by the device when the scan happened; a scan sent again is stored once.")
    kind: Literal["sample", "close"] = Field("sample", description="`sample`: a person into a tube; `close`: close a tube early.")
    tube_code: str = Field(max_length=64, description="The tube's barcode.")
    person_code: str = Field("", max_length=200, description="A scanned personal or family code (FL1.…).")
    person_id: int | None = Field(None, description="A person picked from the caller's own door-to-door list.")
    id_number: str = Field("", max_length=40, description="An ID number typed or read from the card (the fallback).")
    point_id: int | None = Field(None, description="The sampling point (desk scans).")
    desk: int | None = Field(None, ge=1, le=50)
    door_to_door: bool = Field(False, description="Taken at the person's door rather than at a point.")
    scanned_at: dt.datetime | None = Field(None, description="When the device scanned it (defaults to now).")


class ScanBatchIn(Schema):
    scans: list[ScanItemIn] = Field(max_length=10000, description="In the order they were made; at most 10,000.")


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
    status: Literal["stored", "duplicate", "refused"]
    person_id: int | None
    name: str = Field(description="Masked unless the caller may read this household's ledger.")
    door: str
    purpose: Literal["screening", "resample"]
    out_of_scope: bool = Field(description="The person lives outside the round's areas (stored, and flagged).")
    code: str
    message: str


class ScanOutcomeOut(Schema):
    client_id: str
    status: Literal["stored", "duplicate", "refused"]
    code: str = Field(description="Why it was refused: already_sampled, tube_full, tube_closed, tube_used, "
                                  "needs_smaller_tube, needs_household_tube, needs_single_tube, other_household, "
                                  "person_unknown, code_invalid, id_number, tube_code, round_not_open, not_allowed, invalid.")
    message: str
    tube: TubeStateOut | None
    people: list[PersonOutcomeOut] = Field(description="One per person (a family code carries several).")


class ScanBatchOut(Schema):
    stored: int
    duplicates: int
    refused: int
    outcomes: list[ScanOutcomeOut] = Field(description="One per scan, in the order sent.")
