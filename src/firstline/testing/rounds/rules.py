"""Which tube a person goes into: the round's pooling rules, read for many households at once.

A rule for an area (set by staff) wins over the rules by risk status for everything under it; the
nearest such area wins. Otherwise the household's effective risk status (the most severe of the
door and its ancestors: a sealed building seals its doors) picks the rule.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from firstline.areas.models import RISK_SEVERITY, Area, RiskStatus
from firstline.common.paths import ancestor_paths, any_subtree_q, is_within
from firstline.testing.models import PoolingRule, Round
from firstline.testing.states import TUBE_CODE_PATTERN, TUBE_CODE_RULE, ScanRefusal

# Sealed: one person a tube; controlled: 10-in-1; precaution: 20-in-1; elsewhere 10-in-1, the norm.
DEFAULT_RULES = {
    RiskStatus.SEALED: (1, False),
    RiskStatus.CONTROLLED: (10, False),
    RiskStatus.PRECAUTION: (20, False),
    RiskStatus.NORMAL: (10, False),
}


@dataclass(frozen=True)
class Pooling:
    capacity: int
    per_household: bool
    risk: str
    # The area whose rule applied, when a rule was set for an area.
    area_path: str = ""


class RoundRules:
    """The pooling rules of one round, with the risk statuses needed for a set of households."""

    def __init__(self, round: Round):
        self.by_risk = dict(DEFAULT_RULES)
        self.by_area: list[tuple[str, int, bool]] = []
        for area_path, risk, capacity, per_household in PoolingRule.objects.filter(round=round).values_list(
            "area__path", "risk_status", "capacity", "per_household"
        ):
            if area_path:
                self.by_area.append((area_path, capacity, per_household))
            else:
                self.by_risk[RiskStatus(risk)] = (capacity, per_household)
        self.by_area.sort(key=lambda item: -len(item[0]))
        self._risk_of_path: dict[str, str] = {}
        # Subtrees whose every area not of normal risk is known (load_risks_under): no more reading there.
        self._known_under: list[str] = []

    def load_risks_under(self, roots: list[str]) -> None:
        """Read at once every area not of normal risk inside these subtrees and above them: a few
        rows even for a whole community, where asking door by door would name every ancestor."""
        roots = [r for r in roots if r and not is_within(r, self._known_under)]
        if not roots:
            return
        above = {a for root in roots for a in ancestor_paths(root)}
        self._risk_of_path.update(
            Area.objects.filter(any_subtree_q(roots) | Q(path__in=above))
            .exclude(risk_status=RiskStatus.NORMAL)
            .values_list("path", "risk_status")
        )
        self._known_under += roots

    def load_risks(self, paths) -> None:
        """Read, in one query, the risk statuses of every ancestor of these paths that is not normal."""
        wanted = set()
        for path in paths:
            if path and path not in self._risk_of_path and not is_within(path, self._known_under):
                wanted.add(path)
                wanted.update(ancestor_paths(path))
        wanted -= set(self._risk_of_path)
        if not wanted:
            return
        found = dict(
            Area.objects.filter(path__in=wanted)
            .exclude(risk_status=RiskStatus.NORMAL)
            .values_list("path", "risk_status")
        )
        for path in wanted:
            self._risk_of_path[path] = found.get(path, RiskStatus.NORMAL)

    def effective_risk(self, path: str) -> str:
        if not path:
            return RiskStatus.NORMAL
        if not is_within(path, self._known_under):
            self.load_risks([path])
        chain = [*ancestor_paths(path), path]
        return max(
            (self._risk_of_path.get(p, RiskStatus.NORMAL) for p in chain),
            key=lambda s: RISK_SEVERITY[RiskStatus(s)],
        )

    def for_path(self, path: str) -> Pooling:
        """The pooling of a household (or of a point's compound when the person has no household)."""
        risk = self.effective_risk(path)
        for area_path, capacity, per_household in self.by_area:
            if path.startswith(area_path):
                return Pooling(capacity=capacity, per_household=per_household, risk=risk, area_path=area_path)
        capacity, per_household = self.by_risk[RiskStatus(risk)]
        return Pooling(capacity=capacity, per_household=per_household, risk=risk)


# What a capture page is told so that, with no network, it decides as `scanning.scans_record`
# decides online (static/firstline/capture/rules.js applies it; tests/browser/test_capture_rules.py
# runs both on the same cases).

# A re-sample goes into a tube of its own (scanning's `_place`).
RESAMPLE_CAPACITY = 1
# The door-to-door states (`selectors.PersonState`) of someone who already has a live sample of the
# purpose they would be sampled for: the server refuses them with `already_sampled`.
SAMPLED_STATES = ("pending", "negative", "resampled", "positive")

# Every code a scan can be refused with (scanning.py), and what a capture page says of it. The page
# fills in what it knows offline (a name, a tube, a door, sizes); the server's answer to an uploaded
# scan carries its own, fuller message.
REFUSALS: dict[str, str] = {
    ScanRefusal.INVALID: _("The server could not read this scan."),
    ScanRefusal.TUBE_CODE: _("This is not a tube code. Scan the tube's barcode."),
    ScanRefusal.ROUND_NOT_OPEN: _("This round is not open for sampling."),
    ScanRefusal.SCAN_TIME: _("The scan's time is outside the round."),
    ScanRefusal.NOT_ALLOWED: _("You may not register this scan."),
    ScanRefusal.CODE_INVALID: _("This personal code cannot be read."),
    ScanRefusal.ID_NUMBER: _("This is not a valid ID number."),
    ScanRefusal.PERSON_UNKNOWN: _("No one registered has this code or ID number."),
    ScanRefusal.CLIENT_ID_REUSED: _(
        "This scan's id was already used for another scan: send it again as a new scan."
    ),
    ScanRefusal.ALREADY_SAMPLED: _("%(name)s was already sampled in this round."),
    ScanRefusal.TUBE_USED: _("Tube code %(tube)s was already used in another round. Take a new tube."),
    ScanRefusal.TUBE_UNKNOWN: _("No tube %(tube)s has been filled in this round."),
    ScanRefusal.TUBE_FULL: _("Tube %(tube)s is full. Scan a new tube."),
    ScanRefusal.TUBE_CLOSED: _("Tube %(tube)s is closed. Scan a new tube."),
    ScanRefusal.NEEDS_SINGLE_TUBE: _("%(name)s waits for a re-sample: scan a new tube for them alone."),
    ScanRefusal.OTHER_HOUSEHOLD: _(
        "Tube %(tube)s is for one household (%(door)s). Scan a new tube for %(name)s."
    ),
    ScanRefusal.NEEDS_HOUSEHOLD_TUBE: _("%(name)s's door takes one tube per household. Scan a new tube."),
    ScanRefusal.NEEDS_SMALLER_TUBE: _(
        "%(name)s's door takes %(n)s to a tube; this tube takes %(cap)s. Scan a new tube."
    ),
}


def _pooling_json(pooling: Pooling) -> dict:
    return {"capacity": pooling.capacity, "per_household": pooling.per_household}


def capture_rules(*, round: Round, place_path: str, households: dict[int, str]) -> dict:
    """The round's pooling and refusal rules for one capture page, as plain JSON (embedded with
    json_script): the pooling of the place (a desk's compound, a door page's building), which is
    what a person the page cannot place gets; the pooling of each household (id -> path) the page
    lists; the re-sample's tube; the door states that mean "already sampled"; what a tube code looks
    like (the server's own pattern, and the words for it); and every refusal code with its message in
    the active language. Two queries whatever the number of households (a
    third if some lie outside the place)."""
    rules = RoundRules(round)
    if households:
        rules.load_risks_under([place_path])
        rules.load_risks(households.values())
    else:
        rules.load_risks([place_path])  # a desk: only the place and the areas above it count
    return {
        "default": _pooling_json(rules.for_path(place_path)),
        "households": {str(pk): _pooling_json(rules.for_path(path)) for pk, path in households.items()},
        "resample": {"capacity": RESAMPLE_CAPACITY},
        "sampled_states": list(SAMPLED_STATES),
        "tube_code": {"pattern": TUBE_CODE_PATTERN, "rule": str(TUBE_CODE_RULE)},
        "refusals": {str(code): str(message) for code, message in REFUSALS.items()},
    }
