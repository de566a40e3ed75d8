"""Which parts of a round a user may see: the round's areas, narrowed to the user's grants.

Shared by the steps of mass testing (rounds, capture, transport, lab, coverage); a selector that
takes an area checks it here and answers NotFound outside the user's areas.
"""

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths
from firstline.areas.models import Area
from firstline.common.errors import NotFound
from firstline.common.paths import intersect_paths
from firstline.testing.models import Round, RoundArea


def round_scope_paths(round: Round) -> list[str]:
    return list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True))


def round_scope_areas(round: Round) -> list[Area]:
    return [
        ra.area for ra in RoundArea.objects.filter(round=round).select_related("area").order_by("area__path")
    ]


def visible_paths(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> list[str]:
    """The parts of the round's areas that the user may see."""
    return intersect_paths(round_scope_paths(round), scope_paths(user, perm))


def require_area(user, area: Area, perm: str = Perm.TESTING_VIEW) -> None:
    if not can(user, perm, area.path):
        raise NotFound


def round_paths_under(user, round: Round, area: Area) -> list[str]:
    """The round's areas under (or above) `area`, which the user may view; NotFound if the area is
    not theirs or the round does not test it."""
    require_area(user, area)
    paths = intersect_paths(round_scope_paths(round), [area.path])
    if not paths:
        raise NotFound
    return paths
