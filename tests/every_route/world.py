"""Two mirrored sides of the test world for the every-route matrix: the same kinds of records in
community C1 (compound P1, building 1号楼, the resident's own door) and in community C2 (compound
P2, building 9号楼). Each route is called once with the records of each side, by every role."""

import datetime as dt
import uuid
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.utils import timezone

from firstline.accounts.models import ApiToken, Grant
from firstline.accounts.roles import Role
from firstline.accounts.services import api_token_create
from firstline.accounts.throttle import signin_key
from firstline.areas.models import Area
from firstline.areas.services import area_public_token_ensure
from firstline.followups.models import FollowUp
from firstline.followups.services import antigen_report
from firstline.imports.models import ImportJob
from firstline.imports.services import import_upload
from firstline.notices.models import Notice
from firstline.people.models import DuplicateCandidate, Person
from firstline.registration import codes
from firstline.registration.models import SelfRegistration
from firstline.registration.services import code_issue_for_person
from firstline.testing.capture.services import ScanIn, scans_record
from firstline.testing.coverage import services as coverage_services
from firstline.testing.lab.files import results_upload
from firstline.testing.models import Box, Exemption, ResultUpload, Round, SamplingPoint, Tube
from firstline.testing.transport import services as transport
from tests.conftest import household
from tests.every_route import apps
from tests.factories.accounts import UserFactory
from tests.factories.people import PersonFactory
from tests.factories.registration import SelfRegistrationFactory
from tests.factories.testing import BoxFactory, RoundFactory, SamplingPointFactory

DAY = dt.date(2022, 4, 4)


@dataclass
class Side:
    community: Area
    compound: Area
    building: Area
    household: Area
    neighbour: Area  # another door of the same stairwell
    person: Person
    round: Round
    point: SamplingPoint
    exemption: Exemption
    tube: Tube
    box: Box
    job: ImportJob
    submission: SelfRegistration
    follow_up: FollowUp
    grant: Grant
    duplicate: DuplicateCandidate
    upload: ResultUpload
    token: ApiToken
    notice: Notice
    code_payload: str


def _side(world, *, staff, lab, community, compound, building, door, unit: str | None, tag: str) -> Side:
    home = household(building, door, unit)
    person = PersonFactory(acting_user=staff, household=home, name=f"{tag}户主", name_only=True)
    away = PersonFactory(acting_user=staff, household=home, name=f"{tag}外出", name_only=True)
    for _twin in range(2):  # the same name and phone twice without an ID number: a possible duplicate
        PersonFactory(
            acting_user=staff, household=home, name=f"{tag}重名", phone="13900139000", id_number=None
        )
    code = code_issue_for_person(acting_user=staff, person=person).code
    round = RoundFactory(acting_user=staff, area=community, name=f"{tag}轮", date=DAY, scope=[compound])
    point = SamplingPointFactory(acting_user=staff, compound=compound, name=f"{tag}采样点")
    exemption = coverage_services.exemption_set(acting_user=staff, round=round, person=away, reason="away")
    tube_code = f"T{tag}000001"
    scans_record(
        acting_user=staff,
        round=round,
        scans=[
            ScanIn(
                client_id=uuid.uuid4(),
                tube_code=tube_code,
                person_code=codes.payload_for(code),
                point_id=point.pk,
                desk=1,
            )
        ],
    )
    tube = Tube.objects.get(code=tube_code)
    box = BoxFactory(
        acting_user=staff, round=round, code=f"B{tag}0001", point=point, tubes=[tube_code], packed=True
    )
    transport.box_receive(acting_user=lab, box=box, counted=1)
    upload = results_upload(
        acting_user=lab, filename=f"{tag}.csv", data=f"试管编码,检测结果\n{tube_code},阴性\n".encode()
    )
    job = import_upload(
        acting_user=staff,
        area=compound,
        filename=f"{tag}.csv",
        data=f"姓名,楼号,单元,房号\n{tag}新人,{building.name},{unit or ''},{door}\n".encode(),
    )
    submission = SelfRegistrationFactory(
        compound=compound,
        household=home,
        address_text="",
        contact_phone="13700137000",
        members=[{"name": f"{tag}自报"}],
        submission_key=uuid.uuid4().hex,
        client_ip=f"10.0.0.{len(tag)}",
    )
    antigen_report(acting_user=staff, household=home, result="positive", client_key=uuid.uuid4().hex)
    follow_up = FollowUp.objects.get(household=home)
    grantee = UserFactory(username=f"{tag}_grantee", role=Role.VOLUNTEER, area=building)
    grant = Grant.objects.get(user=grantee)
    # The volunteer typed a wrong password too often: staff of their area may unlock them.
    AccessAttempt.objects.create(
        username=signin_key(grantee.username),
        ip_address="10.9.9.9",
        user_agent="test",
        failures_since_start=10,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    area_public_token_ensure(acting_user=staff, compound=compound)
    compound.refresh_from_db()
    token, _key = api_token_create(acting_user=grantee, user=grantee, name="desk")
    side = Side(
        community=community,
        compound=compound,
        building=building,
        household=home,
        person=person,
        round=round,
        neighbour=household(building, "102", unit),
        point=point,
        exemption=exemption,
        tube=tube,
        box=Box.objects.get(pk=box.pk),
        job=job,
        submission=submission,
        follow_up=follow_up,
        grant=grant,
        upload=upload,
        token=token,
        duplicate=DuplicateCandidate.objects.get(person__residences__household=home),
        notice=Notice.objects.filter(area=home).order_by("-pk").first(),
        code_payload=codes.payload_for(code),
    )
    for module in apps.modules():  # the later apps' records of the side
        if hasattr(module, "build"):
            for name, value in module.build(side, world=world, staff=staff, tag=tag).items():
                assert not hasattr(side, name), name
                setattr(side, name, value)
    return side


def build_sides(world) -> dict[str, Side]:
    """ "in": records of C1, where most roles of the world work; "out": records of C2."""
    inside = _side(
        world,
        staff=world.staff,
        lab=world.lab,
        community=world.c1,
        compound=world.p1,
        building=world.b1,
        door="101",
        unit="Unit 1",
        tag="IN",
    )
    outside = _side(
        world,
        staff=world.outsider,
        lab=world.lab,
        community=world.c2,
        compound=world.p2,
        building=world.b9,
        door="101",
        unit="Unit 1",
        tag="OUT",
    )
    return {"in": inside, "out": outside}
