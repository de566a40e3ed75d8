"""The capture page's rules (static/firstline/capture/rules.js) decide offline what the server
decides online. Each case is set up in the database (risk statuses, the round's rule sets, a tube
already filled or closed, a re-sample, someone already sampled), then the server is asked for real:
a door-to-door scan through `scans_record`. The page's rules module, run in Chromium on the
description the page would embed (`testing.rules.capture_rules`), the tube as the device knows it
from the server's answers, and the person as the door list shows them, must give the same decision:
the same refusal code, or the same tube (size, one per household, whose, for a re-sample).
"""

import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.testing.capture import selectors as capture_selectors
from firstline.testing.capture.services import (
    CLOSE,
    REFUSED,
    STORED,
    ScanIn,
    normalise_tube_code,
    scans_record,
)
from firstline.testing.models import ResampleTask, Sample, Tube
from firstline.testing.rounds import services
from firstline.testing.rounds.rules import capture_rules
from tests.conftest import household
from tests.testing.fixtures import desk_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ORIGIN = "http://capture.test"


def _door_scan(tube: str, person=None, kind: str = "sample") -> ScanIn:
    return ScanIn(
        client_id=uuid.uuid4(),
        kind=kind,
        tube_code=tube,
        person_id=person.pk if person else None,
        door_to_door=True,
    )


class Case:
    """One decision: what the page knows just before the scan, and what the server then answers."""

    def __init__(self, world, round_, name: str):
        self.world, self.round, self.name = world, round_, name
        self.tube_state = None

    def before(self, *scans: ScanIn) -> None:
        """Scans the server has answered already; the device knows the tube from their answers."""
        outcomes = scans_record(acting_user=self.world.leader, round=self.round, scans=list(scans))
        assert [o.status for o in outcomes] == [STORED] * len(scans), [o.message for o in outcomes]
        self.tube_state = outcomes[-1].tube

    def decide(self, person, tube: str) -> dict:
        building = person.residences.get(is_current=True).household.parent.parent
        plan = capture_selectors.door_to_door_list(
            user=self.world.leader, round=self.round, building=building, everyone=True
        )
        described = capture_rules(
            round=self.round,
            place_path=building.path,
            households={door.household.pk: door.household.path for door in plan.doors},
        )
        door, shown = next((d, p) for d in plan.doors for p in d.people if p.person_id == person.pk)
        if self.tube_state is None or self.tube_state.code != tube:
            view = {
                "code": tube,
                "capacity": None,
                "filled": 0,
                "closed": False,
                "full": False,
                "per_household": False,
                "household_id": None,
                "for_resample": False,
            }
        else:
            state = self.tube_state
            view = {
                "code": tube,
                "capacity": state.capacity,
                "filled": state.filled,
                "closed": state.status != "open",
                "full": state.filled >= state.capacity,
                "per_household": state.per_household,
                "household_id": Tube.objects.get(code=tube).household_id,
                "for_resample": state.for_resample,
            }
        self.page_input = {
            "rules": described,
            "tube": view,
            "person": {
                "household_id": door.household.pk,
                "resample": shown.state == "resample",
                "state": shown.state,
            },
        }
        outcome = scans_record(
            acting_user=self.world.leader, round=self.round, scans=[_door_scan(tube, person)]
        )[0]
        if outcome.status == REFUSED:
            return {"code": outcome.code, "tube": None}
        assert outcome.status == STORED, outcome.message
        made = Tube.objects.get(code=tube)
        return {
            "code": "",
            "tube": {
                "capacity": made.capacity,
                "per_household": made.per_household,
                "household_id": made.household_id,
                "for_resample": made.for_resample,
            },
        }


def _cases(world, residents, round_, point) -> list[tuple[str, dict, dict]]:
    b1, b2 = residents.b1, residents.b2
    d101, d102, d201, d301 = (household(world.b1, door) for door in ("101", "102", "201", "301"))

    def seal(area, status=RiskStatus.SEALED):
        area_set_risk(acting_user=world.staff, area=area, status=status, reason="测试")

    def rules(by_risk=None, by_area=None):
        services.pooling_rules_set(
            acting_user=world.staff, round=round_, by_risk=by_risk or {}, by_area=by_area or []
        )

    def resample(person):
        scans_record(
            acting_user=world.volunteer,
            round=round_,
            scans=[desk_scan(point, "TG0009999", residents.codes[person.pk])],
        )
        pool = Sample.objects.get(person=person)
        ResampleTask.objects.create(
            round=round_,
            person=person,
            household_id=pool.household_id,
            household_path=pool.household_path,
            pool_sample=pool,
        )

    def setups():
        yield "a normal door opens a tube of ten", lambda c: c.decide(b1[0], "TD0000001")
        yield "a sealed door opens a single tube", lambda c: (seal(d301), c.decide(b1[8], "TD0000001"))[1]
        yield "a sealed building seals its doors", lambda c: (seal(world.b2), c.decide(b2[0], "TD0000001"))[1]
        yield (
            "the round's rule for a risk status",
            lambda c: (
                rules(by_risk={RiskStatus.CONTROLLED: (5, False)}),
                seal(world.b2, RiskStatus.CONTROLLED),
                c.decide(b2[0], "TD0000001"),
            )[2],
        )
        yield (
            "a rule for an area wins over the risk status",
            lambda c: (seal(d301), rules(by_area=[(world.b1, 20, False)]), c.decide(b1[8], "TD0000001"))[2],
        )
        yield (
            "one tube per household: the door opens its own",
            lambda c: (rules(by_area=[(world.b1, 10, True)]), c.decide(b1[2], "TD0000001"))[1],
        )
        yield (
            "one tube per household: the same door joins",
            lambda c: (
                rules(by_area=[(world.b1, 10, True)]),
                c.before(_door_scan("TD0000001", b1[2])),
                c.decide(b1[3], "TD0000001"),
            )[2],
        )
        yield (
            "one tube per household: another door is refused",
            lambda c: (
                rules(by_area=[(world.b1, 10, True)]),
                c.before(_door_scan("TD0000001", b1[2])),
                c.decide(b1[4], "TD0000001"),
            )[2],
        )
        yield (
            "one tube per household off: another door joins",
            lambda c: (
                rules(by_area=[(world.b1, 10, False)]),
                c.before(_door_scan("TD0000001", b1[2])),
                c.decide(b1[4], "TD0000001"),
            )[2],
        )
        yield (
            "a door with one tube per household does not join a shared tube",
            lambda c: (
                c.before(_door_scan("TD0000001", b1[0])),
                rules(by_area=[(d201, 10, True)]),
                c.decide(b1[4], "TD0000001"),
            )[2],
        )
        yield (
            "a sealed door does not join a tube of ten",
            lambda c: (c.before(_door_scan("TD0000001", b1[0])), seal(d301), c.decide(b1[8], "TD0000001"))[2],
        )
        yield (
            "a precaution door joins a tube of ten",
            lambda c: (
                c.before(_door_scan("TD0000001", b1[0])),
                seal(d201, RiskStatus.PRECAUTION),
                c.decide(b1[4], "TD0000001"),
            )[2],
        )
        yield (
            "a normal door does not join a tube of twenty",
            lambda c: (
                seal(d201, RiskStatus.PRECAUTION),
                c.before(_door_scan("TD0000001", b1[4])),
                c.decide(b1[0], "TD0000001"),
            )[2],
        )
        yield (
            "a full tube",
            lambda c: (seal(d301), c.before(_door_scan("TD0000001", b1[8])), c.decide(b1[0], "TD0000001"))[2],
        )
        yield (
            "a closed tube",
            lambda c: (
                c.before(_door_scan("TD0000001", b1[0]), _door_scan("TD0000001", kind=CLOSE)),
                c.decide(b1[2], "TD0000001"),
            )[1],
        )
        yield "a re-sample opens a single tube", lambda c: (resample(b1[0]), c.decide(b1[0], "TD0000001"))[1]
        yield (
            "a re-sample does not join a shared tube",
            lambda c: (
                resample(b1[0]),
                c.before(_door_scan("TD0000001", b1[2])),
                c.decide(b1[0], "TD0000001"),
            )[2],
        )
        yield (
            "someone already sampled",
            lambda c: (c.before(_door_scan("TD0000009", b1[0])), c.decide(b1[0], "TD0000001"))[1],
        )

    decided = []
    for name, run in setups():
        with transaction.atomic():
            case = Case(world, round_, name)
            server = run(case)
            decided.append((name, case.page_input, server))
            transaction.set_rollback(True)
    return decided


@pytest.fixture
def rules_page(browser):
    """A blank page of our own origin that can import the capture modules from the static files."""
    context = browser.new_context()
    page = context.new_page()

    def serve(route):
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            found = finders.find(path.removeprefix("/static/"))
            route.fulfill(
                status=200,
                content_type="application/javascript",
                body=Path(found).read_text(encoding="utf-8"),
            )
        else:
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>rules</title>")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


def test_the_page_decides_offline_what_the_server_decides(rules_page, world, residents, round_, point):
    cases = _cases(world, residents, round_, point)
    page_decisions = rules_page.evaluate(
        """async (cases) => {
          const rules = await import("/static/firstline/capture/rules.js");
          return cases.map((c) => rules.decide(c.rules, c.tube, c.person));
        }""",
        [page_input for _name, page_input, _server in cases],
    )
    assert [
        (name, decision) for (name, _input, _server), decision in zip(cases, page_decisions, strict=True)
    ] == [(name, server) for name, _input, server in cases]
    # The decisions themselves, so that a change on both sides is seen too.
    d102 = household(world.b1, "102").pk
    assert [
        (
            name,
            server["code"]
            or (
                server["tube"]["capacity"],
                server["tube"]["per_household"],
                server["tube"]["household_id"],
                server["tube"]["for_resample"],
            ),
        )
        for name, _input, server in cases
    ] == [
        ("a normal door opens a tube of ten", (10, False, None, False)),
        ("a sealed door opens a single tube", (1, False, None, False)),
        ("a sealed building seals its doors", (1, False, None, False)),
        ("the round's rule for a risk status", (5, False, None, False)),
        ("a rule for an area wins over the risk status", (20, False, None, False)),
        ("one tube per household: the door opens its own", (10, True, d102, False)),
        ("one tube per household: the same door joins", (10, True, d102, False)),
        ("one tube per household: another door is refused", "other_household"),
        ("one tube per household off: another door joins", (10, False, None, False)),
        ("a door with one tube per household does not join a shared tube", "needs_household_tube"),
        ("a sealed door does not join a tube of ten", "needs_smaller_tube"),
        ("a precaution door joins a tube of ten", (10, False, None, False)),
        ("a normal door does not join a tube of twenty", "needs_smaller_tube"),
        ("a full tube", "tube_full"),
        ("a closed tube", "tube_closed"),
        ("a re-sample opens a single tube", (1, False, None, True)),
        ("a re-sample does not join a shared tube", "needs_single_tube"),
        ("someone already sampled", "already_sampled"),
    ]


def test_the_page_reads_a_tube_code_as_the_server_does(rules_page, world, round_, point):
    texts = [
        "TG0000001",
        " tg 0000-01 ",
        "ｔｇ００１２-３４",
        "TD-1",
        "HELLO123",
        "TG000-0001",
        "ab",
        "TG_0001",
        "-TG0001",
        "T" * 41,
        "FL1.abc.def",
        "110101199003074514",
    ]

    def server(text):
        try:
            return normalise_tube_code(text)
        except ValidationError as error:
            return f"refused:{error.code}"

    # The pattern the pages are given (capture_rules), applied by the page's own reading of a scan.
    pattern = capture_rules(round=round_, place_path=point.compound.path, households={})["tube_code"][
        "pattern"
    ]
    page = rules_page.evaluate(
        """async ([texts, pattern]) => {
          const tube = await import("/static/firstline/capture/tube.js");
          return texts.map((text) => {
            const scan = tube.classify(text, pattern);
            return scan.type === "tube" ? scan.code : scan.type;
          });
        }""",
        [texts, pattern],
    )
    assert list(zip(texts, page, strict=True)) == [
        ("TG0000001", "TG0000001"),
        (" tg 0000-01 ", "TG0000-01"),
        ("ｔｇ００１２-３４", "TG0012-34"),
        ("TD-1", "invalid"),
        ("HELLO123", "invalid"),
        ("TG000-0001", "TG000-0001"),
        ("ab", "invalid"),
        ("TG_0001", "invalid"),
        ("-TG0001", "invalid"),
        ("T" * 41, "invalid"),
        ("FL1.abc.def", "person"),
        ("110101199003074514", "person"),
    ]
    # What the page takes for a tube the server takes as the same tube; what the server refuses as a
    # tube code the page never takes for a tube (a code or an ID number it reads as a person).
    assert [server(text) for text in texts] == [
        "TG0000001",
        "TG0000-01",
        "TG0012-34",
        "refused:tube_code",
        "refused:tube_code",
        "TG000-0001",
        "refused:tube_code",
        "refused:tube_code",
        "refused:tube_code",
        "refused:tube_code",
        "refused:tube_code",
        "refused:id_number",
    ]
