"""Which tube a person goes into: the round's pooling rules, read for many households at once.

A rule for an area (set by staff) wins over the rules by risk status for everything under it; the
nearest such area wins. Otherwise the household's effective risk status (the most severe of the
door and its ancestors: a sealed building seals its doors) picks the rule.
"""

from dataclasses import dataclass

from django.db.models import Q

from firstline.areas.models import RISK_SEVERITY, Area, RiskStatus
from firstline.common.paths import ancestor_paths, any_subtree_q, is_within
from firstline.testing.models import PoolingRule, Round

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
            Area.objects.filter(any_subtree_q(roots) | Q(path__in=above)).exclude(risk_status=RiskStatus.NORMAL)
            .values_list("path", "risk_status"))
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
        found = dict(Area.objects.filter(path__in=wanted).exclude(risk_status=RiskStatus.NORMAL).values_list("path", "risk_status"))
        for path in wanted:
            self._risk_of_path[path] = found.get(path, RiskStatus.NORMAL)

    def effective_risk(self, path: str) -> str:
        if not path:
            return RiskStatus.NORMAL
        if not is_within(path, self._known_under):
            self.load_risks([path])
        chain = [*ancestor_paths(path), path]
        return max((self._risk_of_path.get(p, RiskStatus.NORMAL) for p in chain), key=lambda s: RISK_SEVERITY[RiskStatus(s)])

    def for_path(self, path: str) -> Pooling:
        """The pooling of a household (or of a point's compound when the person has no household)."""
        risk = self.effective_risk(path)
        for area_path, capacity, per_household in self.by_area:
            if path.startswith(area_path):
                return Pooling(capacity=capacity, per_household=per_household, risk=risk, area_path=area_path)
        capacity, per_household = self.by_risk[RiskStatus(risk)]
        return Pooling(capacity=capacity, per_household=per_household, risk=risk)
