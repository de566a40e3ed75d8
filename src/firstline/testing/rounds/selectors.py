"""Reads for rounds and sampling points, always narrowed to the acting user's areas: the rounds a
user sees, one round, the points that serve it, its pooling rules and the pickers of its page.
"""

from django.db.models import Q, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths
from firstline.areas.models import RISK_SEVERITY, Area, RiskStatus
from firstline.common.errors import NotFound
from firstline.common.paths import ancestor_paths, any_subtree_q
from firstline.testing.models import PoolingRule, Round, RoundArea, RoundStatus, SamplingPoint
from firstline.testing.scope import round_scope_paths


def rounds_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Round]:
    """Rounds over any part of the user's areas: owned inside them, or owned above them."""
    roots = scope_paths(user, perm)
    if not roots:
        return Round.objects.none()
    above = set(roots) | {a for root in roots for a in ancestor_paths(root)}
    return Round.objects.filter(any_subtree_q(roots, "area__path") | Q(area__path__in=above)).select_related("area")


def round_get(*, user, pk, perm: str = Perm.TESTING_VIEW) -> Round:
    """One round, if it touches the user's areas (the rule of `rounds_visible`, checked on the row:
    a desk asks for its round with every scan, and a look-up by key is the cheapest query there is)."""
    try:
        round = Round.objects.select_related("area").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    owner = round.area.path
    if not any(root.startswith(owner) or owner.startswith(root) for root in scope_paths(user, perm)):
        raise NotFound
    return round


def household_open_rounds(*, user, household: Area) -> list[Round]:
    """The open rounds whose areas include this household (its page shows each resident's state in them)."""
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    paths = [*ancestor_paths(household.path), household.path]
    ids = RoundArea.objects.filter(area__path__in=paths, round__status=RoundStatus.OPEN).values("round_id")
    return list(Round.objects.filter(pk__in=ids).order_by("-date", "-id"))


def points_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[SamplingPoint]:
    """Sampling points of compounds inside the user's areas (or above them: a leader sees the
    points their buildings are called down to)."""
    roots = scope_paths(user, perm)
    above = {a for root in roots for a in ancestor_paths(root)}
    return SamplingPoint.objects.filter(
        any_subtree_q(roots, "compound__path") | Q(compound__path__in=above)
    ).select_related("compound")


def points_for_round(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[SamplingPoint]:
    """The active points that serve the round's areas and that the user may see."""
    scope = round_scope_paths(round)
    above = {a for path in scope for a in ancestor_paths(path)}
    return (
        points_visible(user=user, perm=perm)
        .filter(is_active=True)
        .filter(any_subtree_q(scope, "compound__path") | Q(compound__path__in=above))
        .order_by("compound__path", "name")
    )


def point_get(*, user, pk, perm: str = Perm.TESTING_VIEW) -> SamplingPoint:
    try:
        return points_visible(user=user, perm=perm).get(pk=pk)
    except (SamplingPoint.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def round_pooling_rules(*, round: Round) -> list[PoolingRule]:
    """The round's pooling rules: by risk status first (most severe first), then those set for an
    area, by path."""
    rules = list(PoolingRule.objects.filter(round=round).select_related("area"))
    return sorted(rules, key=lambda r: (1, r.area.path, 0) if r.area_id else (0, "", -RISK_SEVERITY[RiskStatus(r.risk_status)]))


def round_areas_of_kind(
    *, user, round: Round, kinds: list[str], perm: str = Perm.TESTING_VIEW, above: bool = False, limit: int = 2000
) -> list[Area]:
    """Areas of these kinds inside the round's areas (and, with `above`, their ancestors: the compound
    of a tested building) where the user holds `perm`, by path: the pickers of the round's page."""
    roots = scope_paths(user, perm)
    scope = round_scope_paths(round)
    if not roots or not scope:
        return []
    where = any_subtree_q(scope)
    if above:
        where |= Q(path__in={a for path in scope for a in ancestor_paths(path)})
    return list(Area.objects.filter(where).filter(any_subtree_q(roots)).filter(kind__in=kinds)
                .select_related("parent").order_by("path")[:limit])

