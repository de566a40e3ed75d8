"""Reads for rounds and sampling points, always narrowed to the acting user's areas: the rounds a
user sees, one round, the points that serve it, its pooling rules and the pickers of its page.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_filter, scope_paths
from firstline.areas.models import RISK_SEVERITY, SITE_KINDS, Area, AreaKind, RiskStatus
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
    return Round.objects.filter(any_subtree_q(roots, "area__path") | Q(area__path__in=above)).select_related(
        "area"
    )


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


def round_named(*, user, pk) -> Round | None:
    """The round a link names only for the way back to it (a point's page opened from a round):
    None when there is none, or it is not the user's."""
    try:
        return round_get(user=user, pk=pk)
    except NotFound:
        return None


# What a round may be owned by and test: the levels from a street or township down to a building or a
# village group.
PLAN_KINDS = [
    AreaKind.STREET,
    AreaKind.TOWNSHIP,
    AreaKind.COMMUNITY,
    AreaKind.VILLAGE,
    AreaKind.COMPOUND,
    AreaKind.VILLAGE_GROUP,
    AreaKind.BUILDING,
]


def round_plan_areas(*, user) -> tuple[list[Area], list[Area]]:
    """(owner areas, areas to test) for the plan form: the user's manage roots and the streets,
    townships, communities, villages, compounds (and, to test, buildings and village groups) under
    them, by path, in one query. Empty for a role that
    plans no rounds (the page then offers no form)."""
    roots = scope_paths(user, Perm.TESTING_MANAGE)
    if not roots:
        return [], []
    areas = list(
        scope_filter(Area.objects.all(), user, Perm.TESTING_MANAGE)
        .filter(Q(path__in=roots) | Q(kind__in=PLAN_KINDS))
        .order_by("path")[:2000]
    )
    owners = [
        a for a in areas if a.kind not in (AreaKind.BUILDING, AreaKind.VILLAGE_GROUP) or a.path in roots
    ]
    return owners, areas


def areas_chosen(*, user, ids, perm: str = Perm.TESTING_MANAGE) -> list[Area]:
    """The areas a form checks by id (the buildings a point serves, the stairwells called down),
    among those where the user holds `perm`; an id that is not a number or not theirs is left out,
    and the service then refuses what is left if it does not fit."""
    wanted = [value for value in ids if str(value).isdigit()]
    return list(scope_filter(Area.objects.filter(pk__in=wanted), user, perm)) if wanted else []


def point_compound_named(*, user, pk) -> Area:
    """The compound a new point's form names, among those the user sees (so that one they may not
    manage meets the service's refusal, 403); absent or not theirs, it is the field's error."""
    try:
        return scope_filter(Area.objects.filter(kind__in=SITE_KINDS), user, Perm.TESTING_VIEW).get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"compound": _("Choose the compound of the point.")}) from None


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
    return sorted(
        rules,
        key=lambda r: (
            (1, r.area.path, 0) if r.area_id else (0, "", -RISK_SEVERITY[RiskStatus(r.risk_status)])
        ),
    )


def round_areas_of_kind(
    *,
    user,
    round: Round,
    kinds: list[str],
    perm: str = Perm.TESTING_VIEW,
    above: bool = False,
    limit: int = 2000,
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
    return list(
        Area.objects.filter(where)
        .filter(any_subtree_q(roots))
        .filter(kind__in=kinds)
        .select_related("parent")
        .order_by("path")[:limit]
    )
