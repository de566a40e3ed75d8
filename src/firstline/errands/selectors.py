"""Reads of help requests, always narrowed to the acting user's areas: the queue (critical and
escalated first, then by due time, one query per page), a request with its timeline and offers,
a volunteer's own errands, a household's own requests, the groups and the log for the export."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import can, scope_filter, scope_paths, work_scope
from firstline.areas.models import Area
from firstline.common.errors import NotFound
from firstline.common.paths import any_subtree_q
from firstline.errands.models import OPEN_STATES, ErrandGroup, HelpEvent, HelpOffer, HelpRequest, HelpState

QUEUE_PAGE = 50
_ROW_RELATED = (
    "household",
    "household__parent",
    "household__parent__parent",
    "assigned_user",
    "assigned_group",
)


@dataclass(frozen=True)
class QueueFilter:
    state: str = ""  # "" for every open state, or one state
    category: str = ""
    block_id: int | None = None


def requests_visible(*, user, perm: str = Perm.HELP_WORK) -> QuerySet[HelpRequest]:
    return scope_filter(HelpRequest.objects.all(), user, perm, "household_path")


def request_queue(*, user, filters: QueueFilter = QueueFilter(), offset: int = 0, size: int = QUEUE_PAGE):
    """A page of the queue: critical and escalated first, then the earliest due (overdue at the top
    of its rank), on the index (rank, due_at, id). `size + 1` rows read, to know if a next page exists."""
    paths = work_scope(user, Perm.HELP_WORK)
    rows = HelpRequest.objects.filter(any_subtree_q(paths, "household_path"))
    if filters.state:
        rows = rows.filter(state=filters.state)
    else:
        rows = rows.filter(state__in=OPEN_STATES)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.block_id:
        rows = rows.filter(block_id=filters.block_id)
    start = max(offset, 0)
    found = list(
        rows.select_related(*_ROW_RELATED).order_by("rank", "due_at", "id")[start : start + size + 1]
    )
    return found[:size], len(found) > size


def request_get(*, user, pk, perm: str = Perm.HELP_WORK) -> HelpRequest:
    """A request in the user's areas (or their own household's); NotFound otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    own = (
        Grant.objects.filter(user=user, role=Role.RESIDENT).values("area_id") if user.is_authenticated else []
    )
    found = (
        HelpRequest.objects.filter(Q(pk=pk))
        .filter(
            Q(pk__in=requests_visible(user=user, perm=perm).values("pk"))
            | Q(household_id__in=own)
            | Q(offers__offered_by=user.pk if user.is_authenticated else None)
        )
        .select_related(*_ROW_RELATED, "person", "block", "requested_by")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def request_timeline(*, request: HelpRequest) -> list[HelpEvent]:
    return list(request.events.select_related("author").order_by("at", "id"))


def request_offers(*, request: HelpRequest) -> list[HelpOffer]:
    return list(request.offers.select_related("offered_by").order_by("created_at", "id"))


def offer_get(*, user, pk) -> HelpOffer:
    try:
        offer = HelpOffer.objects.select_related(
            "request", "request__block", "request__household", "offered_by"
        ).get(pk=int(pk))
    except (TypeError, ValueError, HelpOffer.DoesNotExist):
        raise NotFound from None
    request_get(user=user, pk=offer.request_id)
    return offer


def my_errands(*, user) -> list[HelpRequest]:
    """The requests assigned to the user or to one of their groups, still to carry out or awaiting
    confirmation: most urgent first."""
    return list(
        HelpRequest.objects.filter(
            Q(assigned_user=user) | Q(assigned_group__members=user), state__in=OPEN_STATES
        )
        .select_related(*_ROW_RELATED)
        .order_by("rank", "due_at", "id")
        .distinct()[:200]
    )


def household_requests(*, household: Area) -> list[HelpRequest]:
    """A household's own requests (their page): open ones first, then the last closed ones."""
    return list(
        HelpRequest.objects.filter(household=household)
        .select_related("assigned_user", "assigned_group")
        .order_by("closed_at", "-asked_at")[:30]
    )


def groups_visible(*, user) -> QuerySet[ErrandGroup]:
    return scope_filter(ErrandGroup.objects.all(), user, Perm.HELP_WORK, "area_path").prefetch_related(
        "members"
    )


def groups_for_request(*, request: HelpRequest) -> list[ErrandGroup]:
    """The groups whose area holds the request's door."""
    from firstline.common.paths import ancestor_paths

    return list(
        ErrandGroup.objects.filter(
            area_path__in=[*ancestor_paths(request.household_path), request.household_path]
        )
    )


def workers_for(*, request: HelpRequest) -> list:
    """Users who may carry the request (volunteers, leaders, staff over its door), by name."""
    from firstline.accounts.roles import role_has
    from firstline.common.paths import ancestor_paths

    paths = [*ancestor_paths(request.household_path), request.household_path]
    roles = [r for r in Role.values if role_has(r, Perm.HELP_WORK)]
    grants = Grant.objects.filter(area__path__in=paths, role__in=roles, user__is_active=True).select_related(
        "user"
    )
    users = {g.user.pk: g.user for g in grants}
    return sorted(users.values(), key=lambda u: u.username)


def is_overdue(request: HelpRequest, now=None) -> bool:
    return request.state in (HelpState.OPEN, HelpState.ASSIGNED) and request.due_at < (now or timezone.now())


def requests_for_export(*, user, perm: str = Perm.HELP_MANAGE) -> QuerySet[HelpRequest]:
    """Every request of the user's areas, newest first, for the XLSX log (no phone, no ID number)."""
    paths = work_scope(user, perm)
    return (
        HelpRequest.objects.filter(any_subtree_q(paths, "household_path"))
        .select_related(*_ROW_RELATED, "person")
        .order_by("-asked_at", "-id")
    )


def site_of(*, area: Area) -> Area:
    """The compound (or village) holding a building."""
    from firstline.areas.models import SITE_KINDS
    from firstline.common.paths import ancestor_paths

    found = (
        Area.objects.filter(path__in=[*ancestor_paths(area.path), area.path], kind__in=SITE_KINDS)
        .order_by("-path")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def groups_over(*, area: Area) -> list[ErrandGroup]:
    from firstline.common.paths import ancestor_paths

    return list(
        ErrandGroup.objects.filter(area_path__in=[*ancestor_paths(area.path), area.path]).order_by("name")
    )


def leaders_of(*, area: Area) -> list:
    """The building's leaders, with the phone they gave on their account (posted on purpose)."""
    grants = Grant.objects.filter(area=area, role=Role.BUILDING_LEADER, user__is_active=True).select_related(
        "user"
    )
    return sorted({g.user for g in grants}, key=lambda u: u.username)


def volunteers_under(*, user) -> list:
    """The volunteers and building leaders of the user's managed areas, who may join a group there."""
    grants = Grant.objects.filter(
        any_subtree_q(work_scope(user, Perm.HELP_MANAGE), "area__path"),
        role__in=[Role.VOLUNTEER, Role.BUILDING_LEADER],
        user__is_active=True,
    ).select_related("user")
    return sorted({g.user for g in grants}, key=lambda u: u.username)[:500]


def neighbours_requests(*, user, households: list[Area], limit: int = 30) -> list[HelpRequest]:
    """Open requests of the buildings the resident lives in, but their own: what a neighbour may
    offer to answer (seed 003). Shown with the floor only, never the door."""
    from firstline.areas.models import BLOCK_KINDS
    from firstline.common.paths import ancestor_paths

    blocks = Area.objects.filter(
        path__in={p for h in households for p in ancestor_paths(h.path)}, kind__in=BLOCK_KINDS
    ).values("pk")
    return list(
        HelpRequest.objects.filter(block__in=blocks, state__in=[HelpState.OPEN, HelpState.ASSIGNED])
        .exclude(household__in=[h.pk for h in households])
        .select_related("household")
        .order_by("rank", "due_at", "id")[:limit]
    )


def household_members(*, household: Area) -> list:
    """The people living at the door now: for whom in the household the help is."""
    from firstline.people.models import Person

    return list(
        Person.objects.filter(residences__household=household, residences__is_current=True).order_by(
            "name", "pk"
        )
    )


def queue_blocks(*, user, limit: int = 300) -> list[Area]:
    """The buildings (and villages) of the user's areas, for the queue's filter, in one query."""
    from firstline.areas.models import BLOCK_KINDS

    return list(
        scope_filter(Area.objects.filter(kind__in=BLOCK_KINDS), user, Perm.HELP_WORK)
        .select_related("parent")
        .order_by("path")[:limit]
    )


def door_risk(household: Area) -> str:
    """The most severe risk status of a door and its stairwell and building (loaded with it)."""
    from firstline.areas.models import RISK_SEVERITY, RiskStatus

    chain = [household, household.parent, household.parent.parent if household.parent_id else None]
    statuses = [a.risk_status for a in chain if a is not None and a.kind != "compound"]
    return max(statuses, key=lambda s: RISK_SEVERITY[RiskStatus(s)])


# What the pages ask before they show anything: each NotFound where the page does not exist for the
# user, as for an address that does not exist (the web middleware answers 404).


def manages_any(*, user) -> bool:
    """Whether the user manages help requests somewhere (the queue then offers the groups and export)."""
    return bool(scope_paths(user, Perm.HELP_MANAGE))


def manage_scope(*, user) -> list[str]:
    """The roots where the user manages help requests; NotFound for someone who manages none (the
    errand groups, the export)."""
    return work_scope(user, Perm.HELP_MANAGE)


def intake_scope(*, user) -> list[str]:
    """The roots where the user takes help requests; NotFound unless they also work requests there
    (intake is for staff on the phone and building leaders, not for a resident asking for their own
    door)."""
    roots = scope_paths(user, Perm.HELP_REQUEST)
    if not roots or not can(user, Perm.HELP_WORK, roots[0]):
        raise NotFound
    return roots


def intake_sites(*, user, limit: int = 200) -> list[Area]:
    """The compounds and villages the user takes requests in (a leader's compound above their building)."""
    from firstline.areas.doors import _touching_scope
    from firstline.areas.models import SITE_KINDS

    return list(
        Area.objects.filter(_touching_scope(user, Perm.HELP_REQUEST), kind__in=SITE_KINDS).order_by("path")[
            :limit
        ]
    )


def intake_channel(*, user, household: Area) -> str:
    """How a request taken by the user came in: by phone to staff who manage the door, else from a
    building leader."""
    return "phone" if can(user, Perm.HELP_MANAGE, household.path) else "leader"


def assignee_named(*, target: str):
    """The (volunteer, group) a form's assignee names ("u12" or "g3"), either None when not found;
    the service checks that whoever it is works in the request's area."""
    from django.contrib.auth import get_user_model

    pk = int(target[1:]) if target[1:].isdigit() else 0
    if target.startswith("g"):
        return None, ErrandGroup.objects.filter(pk=pk).first()
    if target.startswith("u"):
        return get_user_model().objects.filter(pk=pk, is_active=True).first(), None
    return None, None


def active_users(*, ids) -> QuerySet:
    """The active accounts of these ids (a group's members as picked; the service checks their areas)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def group_areas(*, user, limit: int = 200) -> list[Area]:
    """The communities, compounds and villages of the user's managed areas, where a group may work."""
    from firstline.areas.models import AreaKind

    return list(
        Area.objects.filter(
            any_subtree_q(manage_scope(user=user)),
            kind__in=[AreaKind.COMMUNITY, AreaKind.COMPOUND, AreaKind.VILLAGE],
        ).order_by("path")[:limit]
    )


def my_errands_page(*, user) -> list[HelpRequest]:
    """The volunteer's errands page: NotFound for someone who works help requests nowhere."""
    work_scope(user, Perm.HELP_WORK)
    return my_errands(user=user)


def request_by_token(*, token: str) -> HelpRequest:
    """The request behind a household's one-time confirmation link; NotFound for no such link."""
    found = HelpRequest.objects.filter(confirm_token=token).select_related("household").first()
    if found is None:
        raise NotFound
    return found


def resident_homes(*, user) -> list[Area]:
    """The doors the user is a resident of; NotFound for nobody's resident (the page is not theirs)."""
    from firstline.registration.services import resident_households

    homes = resident_households(user=user)
    if not homes:
        raise NotFound
    return homes


def neighbour_request(*, requests: list[HelpRequest], pk) -> HelpRequest:
    """The one of the neighbours' open requests (as listed to the resident) a form names; NotFound
    for any other."""
    pk = int(pk) if str(pk or "").isdigit() else None
    wanted = next((r for r in requests if r.pk == pk), None)
    if wanted is None:
        raise NotFound
    return wanted
