"""The rules a capture page applies offline, as `testing.rules.capture_rules` describes them: every
refusal the server can answer is described, and each household gets the pooling the server gives it.
tests/browser/test_capture_rules.py runs the page's rules module on the same cases as the server."""

import ast
import inspect

from django.utils import translation

from firstline.areas.models import RiskStatus
from firstline.areas.services import area_set_risk
from firstline.testing.capture import services as scanning
from firstline.testing.rounds import services
from firstline.testing.rounds.rules import capture_rules
from firstline.testing.states import TUBE_CODE_PATTERN, ScanRefusal
from tests.conftest import household


def _code(node) -> str:
    """A refusal code written as a string or as `ScanRefusal.NAME`."""
    if isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "ScanRefusal":
        return getattr(ScanRefusal, node.attr).value
    return ast.literal_eval(node)


def _refusal_codes_of(module) -> set[str]:
    """The codes a module refuses with: `_Refusal("code", ...)`, `self._refused(scan, "code", ...)`,
    and `shown.status, shown.code, shown.message = CONFLICT, "code", ...`."""
    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            index = {"_Refusal": 0, "_refused": 1}.get(name)
            if index is not None:
                found.add(_code(node.args[index]))
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Tuple)
            and isinstance(node.value, ast.Tuple)
        ):
            for target, value in zip(node.targets[0].elts, node.value.elts, strict=True):
                named = isinstance(value, ast.Attribute) and getattr(value.value, "id", "") == "ScanRefusal"
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "code"
                    and (isinstance(value, ast.Constant) or named)
                ):
                    found.add(_code(value))
    return found


def test_every_refusal_code_the_server_can_produce_has_its_message(world, round_):
    codes = _refusal_codes_of(scanning)
    assert codes == {
        "already_sampled",
        "client_id_reused",
        "code_invalid",
        "id_number",
        "invalid",
        "needs_household_tube",
        "needs_single_tube",
        "needs_smaller_tube",
        "not_allowed",
        "other_household",
        "person_unknown",
        "round_not_open",
        "scan_time",
        "tube_closed",
        "tube_code",
        "tube_full",
        "tube_unknown",
        "tube_used",
    }
    assert codes == set(ScanRefusal.values)  # the domain's list of refusals is the server's
    described = capture_rules(round=round_, place_path=world.p1.path, households={})["refusals"]
    assert set(described) == codes
    assert described["needs_single_tube"] == "%(name)s waits for a re-sample: scan a new tube for them alone."
    with translation.override("zh-hans"):
        chinese = capture_rules(round=round_, place_path=world.p1.path, households={})["refusals"]
    assert set(chinese) == codes
    assert chinese["tube_full"] == "采样管 %(tube)s 已满。请换新管扫码。"


def test_each_household_gets_the_pooling_the_server_gives_it(world, residents, round_):
    sealed, own_rule, plain = (
        household(world.b1, "301"),
        household(world.b1, "201"),
        household(world.b1, "101"),
    )
    area_set_risk(acting_user=world.staff, area=sealed, status=RiskStatus.SEALED, reason="阳性密接")
    services.pooling_rules_set(
        acting_user=world.staff,
        round=round_,
        by_risk={RiskStatus.NORMAL: (5, False)},
        by_area=[(own_rule, 20, True)],
    )
    described = capture_rules(
        round=round_,
        place_path=world.b1.path,
        households={door.pk: door.path for door in (sealed, own_rule, plain)},
    )
    assert {key: value for key, value in described.items() if key != "refusals"} == {
        "default": {"capacity": 5, "per_household": False},
        "households": {
            str(sealed.pk): {"capacity": 1, "per_household": False},
            str(own_rule.pk): {"capacity": 20, "per_household": True},
            str(plain.pk): {"capacity": 5, "per_household": False},
        },
        "resample": {"capacity": 1},
        "sampled_states": ["pending", "negative", "resampled", "positive"],
        # What a tube code looks like, the server's own pattern (capture.services.normalise_tube_code).
        "tube_code": {
            "pattern": TUBE_CODE_PATTERN,
            "rule": "up to 6 letters, then at least 4 digits (dashes allowed)",
        },
    }
