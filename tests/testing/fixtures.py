"""Fixtures for mass testing, imported by tests/conftest.py so that every test folder has them:
residents with personal codes in the test world, an open round over compound P1, and a sampling
point with two desks."""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from firstline.people.models import Person
from firstline.people.services import person_register
from firstline.registration import codes
from firstline.registration.services import code_issue_family, code_issue_for_person
from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.models import Round, RoundStatus, SamplingPoint
from firstline.testing.rounds import services
from tests.conftest import household

DAY = dt.date(2022, 4, 4)


@dataclass
class Residents:
    """Twelve people in 1号楼 (b1): two per door on floors 1–3 of Unit 1; two people in 2号楼 (b2);
    one in 9号楼 of compound P2 (outside the round); a family code for the first door."""

    b1: list[Person]
    b2: list[Person]
    outside: Person
    codes: dict[int, str]
    family_code: str


def _register(staff, door, name, number=None):
    data = {"name": name}
    if number:
        data["id_number"] = number
    return person_register(acting_user=staff, household=door, data=data)


@pytest.fixture
def residents(world) -> Residents:
    b1 = []
    for floor in (1, 2, 3):
        for door_no in (1, 2):
            door = household(world.b1, f"{floor}{door_no:02d}", "Unit 1")
            b1.append(_register(world.staff, door, f"居民{floor}{door_no}甲"))
            b1.append(_register(world.staff, door, f"居民{floor}{door_no}乙"))
    b1[0] = Person.objects.get(pk=b1[0].pk)
    b2 = [
        _register(world.staff, household(world.b2, "101"), "二号楼甲"),
        _register(world.staff, household(world.b2, "102"), "二号楼乙"),
    ]
    outside = _register(world.outsider, household(world.b9, "101"), "外小区人")
    every = b1 + b2
    payloads = {
        p.pk: codes.payload_for(code_issue_for_person(acting_user=world.staff, person=p).code) for p in every
    }
    payloads[outside.pk] = codes.payload_for(
        code_issue_for_person(acting_user=world.outsider, person=outside).code
    )
    family = code_issue_family(
        acting_user=world.staff, household=household(world.b1, "101", "Unit 1"), members=b1[:2]
    )
    return Residents(
        b1=b1, b2=b2, outside=outside, codes=payloads, family_code=codes.payload_for(family.code)
    )


@pytest.fixture
def round_(world) -> Round:
    round = services.round_create(
        acting_user=world.staff, area=world.c1, name="第一轮全员核酸", date=DAY, scope=[world.p1]
    )
    return services.round_set_status(acting_user=world.staff, round=round, status=RoundStatus.OPEN)


@pytest.fixture
def point(world) -> SamplingPoint:
    return services.sampling_point_create(
        acting_user=world.staff,
        compound=world.p1,
        values={"name": "东门采样点", "desks": 2, "location": "东门广场"},
    )


def desk_scan(point, tube, person_code="", **extra) -> ScanIn:
    return ScanIn(
        client_id=uuid.uuid4(), tube_code=tube, person_code=person_code, point_id=point.pk, desk=1, **extra
    )


def fill(world, residents, round_, point, tube, people):
    return scans_record(
        acting_user=world.volunteer,
        round=round_,
        scans=[desk_scan(point, tube, residents.codes[p.pk]) for p in people],
    )
