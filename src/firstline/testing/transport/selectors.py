"""Reads for transport: the boxes a user may see, their tubes and their hand-offs."""

from django.db.models import Count, Prefetch, QuerySet

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths
from firstline.common.errors import NotFound
from firstline.common.paths import any_subtree_q
from firstline.testing.models import Box, BoxEvent, Round, Tube


def boxes_visible(*, user, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    return Box.objects.filter(any_subtree_q(scope_paths(user, perm), "area_path")).select_related(
        "point", "round"
    )


def round_boxes(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    return (
        boxes_visible(user=user, perm=perm)
        .filter(round=round)
        .annotate(tubes_in=Count("tubes"))
        .prefetch_related("events")
        .order_by("-created_at", "-id")
    )


def box_get(*, user, code: str = "", pk=None, perm: str = Perm.TESTING_VIEW) -> Box:
    try:
        queryset = boxes_visible(user=user, perm=perm)
        return queryset.get(pk=pk) if pk is not None else queryset.get(code=code)
    except (Box.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def box_tubes(*, box: Box) -> QuerySet[Tube]:
    return Tube.objects.filter(box=box).order_by("boxed_at", "id")


def round_boxes_trail(*, user, round: Round, perm: str = Perm.TESTING_VIEW) -> QuerySet[Box]:
    """The round's boxes with their tube counts and hand-offs (who and when), in three queries."""
    events = BoxEvent.objects.select_related("by").order_by("at", "id")
    return (
        round_boxes(user=user, round=round, perm=perm)
        .prefetch_related(None)
        .prefetch_related(Prefetch("events", queryset=events))
    )


def box_events(*, box: Box) -> QuerySet[BoxEvent]:
    """A box's hand-offs, oldest first, with who did each."""
    return BoxEvent.objects.filter(box=box).select_related("by").order_by("at", "id")
