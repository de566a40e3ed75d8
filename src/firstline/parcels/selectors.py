"""Reads of gate parcels, always inside the user's areas for PARCEL_HANDLE: the board of a site's
parcels by state, a courier's queue by building and floor, the jobs and the plan of a delivery
split, a household's own parcels, and the day's parcels for the XLSX export."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import can, require, scope_q, work_scope
from firstline.areas.models import SITE_KINDS, Area, AreaKind
from firstline.common.errors import NotFound
from firstline.common.paths import ancestor_paths, subtree_q
from firstline.parcels.models import OPEN_STATES, OVERDUE_AFTER, SENDABLE_STATES, Parcel, ParcelState
from firstline.parcels.split import COSTS, CostModel, Job, Plan, Share, load_of, lower_bound, split

# The board's columns, in the parcel's order of life.
BOARD_COLUMNS = ("registered", "holding", "deliverable", "out", "delivered", "returned")


def parcels_visible(*, user) -> QuerySet[Parcel]:
    return Parcel.objects.filter(scope_q(user, Perm.PARCEL_HANDLE, "household_path"))


def parcel_get(*, user, pk) -> Parcel:
    try:
        return parcels_visible(user=user).select_related("household", "household__parent").get(pk=int(pk))
    except (Parcel.DoesNotExist, TypeError, ValueError):
        raise NotFound from None


def parcel_door(*, user, pk) -> Area:
    """A door the user handles parcels for, by its id (the desk's picked door); else NotFound."""
    door = Area.objects.filter(pk=pk, kind=AreaKind.HOUSEHOLD).select_related("parent").first()
    if door is None or not can(user, Perm.PARCEL_HANDLE, door.path):  # outside the areas: no such door
        raise NotFound
    return door


def parcel_photo(*, user, pk, kind: str) -> bytes:
    """The bytes of a parcel's label photo ("label") or its photo at the door, for those who handle
    that door's parcels; NotFound when there is none."""
    parcel = parcel_get(user=user, pk=pk)
    photo = parcel.label_photo if kind == "label" else parcel.door_photo
    if not photo or not photo.storage.exists(photo.name):
        raise NotFound
    with photo.storage.open(photo.name) as handle:
        return handle.read()


def parcel_sites(*, user) -> list[Area]:
    """The sites (compounds, villages) where the user handles parcels: inside their scope or above a
    part of it (a volunteer of one building still works at their compound's gate)."""
    paths = work_scope(user, Perm.PARCEL_HANDLE)
    above = {p for path in paths for p in ancestor_paths(path)} | set(paths)
    inside = Q()
    for path in paths:
        inside |= subtree_q(path)
    return list(
        Area.objects.filter(Q(path__in=sorted(above)) | inside, kind__in=SITE_KINDS).order_by("path")[:200]
    )


def parcel_site(*, user, pk=None) -> Area:
    """The site a parcels page is about: the one asked for if the user works there, else their first."""
    sites = parcel_sites(user=user)
    if not sites:
        raise NotFound
    if pk in (None, ""):
        return sites[0]
    for site in sites:
        if str(site.pk) == str(pk):
            return site
    raise NotFound


def _deliverable_q(now) -> Q:
    return Q(state__in=SENDABLE_STATES, hold_until__lte=now)


@dataclass
class Board:
    site: Area
    counts: dict[str, int]
    parcels: list[Parcel]
    overdue: int
    now: dt.datetime
    column: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def parcel_board(*, user, site: Area, column: str = "", rows: int = 300) -> Board:
    """Counts of the site's open parcels and of today's delivered ones per column, and the rows of
    one column (or every open parcel), oldest first. Three queries."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    mine = parcels_visible(user=user).filter(compound=site)
    live = mine.filter(Q(state__in=OPEN_STATES) | Q(state=ParcelState.DELIVERED, delivered_at__gte=today))
    aggregate = live.aggregate(
        registered=Count("pk", filter=Q(state=ParcelState.REGISTERED)),
        holding=Count("pk", filter=Q(state=ParcelState.HOLDING, hold_until__gt=now)),
        deliverable=Count("pk", filter=Q(state=ParcelState.HOLDING, hold_until__lte=now)),
        out=Count("pk", filter=Q(state=ParcelState.OUT)),
        delivered=Count("pk", filter=Q(state=ParcelState.DELIVERED)),
        returned=Count("pk", filter=Q(state=ParcelState.RETURNED)),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, registered_at__lt=now - OVERDUE_AFTER)),
    )
    overdue = aggregate.pop("overdue")
    shown = live
    if column == "holding":
        shown = live.filter(state=ParcelState.HOLDING, hold_until__gt=now)
    elif column == "deliverable":
        shown = live.filter(state=ParcelState.HOLDING, hold_until__lte=now)
    elif column == "overdue":
        shown = live.filter(state__in=OPEN_STATES, registered_at__lt=now - OVERDUE_AFTER)
    elif column in BOARD_COLUMNS:
        shown = live.filter(state=column)
    else:
        column = ""
        shown = live.filter(state__in=OPEN_STATES)
    parcels = list(
        shown.select_related(
            "household", "household__parent", "household__parent__parent", "courier"
        ).order_by("registered_at", "pk")[:rows]
    )
    return Board(site=site, counts=aggregate, parcels=parcels, overdue=overdue, now=now, column=column)


@dataclass
class QueueBlock:
    block: Area
    deliverable: int
    holding: int
    mine: int


@dataclass
class Queue:
    site: Area
    blocks: list[QueueBlock]
    block: Area | None
    floors: list[tuple[int, list[Parcel]]] = field(default_factory=list)
    now: dt.datetime | None = None


def courier_queue(*, user, site: Area, block_id=None) -> Queue:
    """The courier's queue: each block with parcels to carry (deliverable, still holding, out with this
    courier), and one block's parcels floor by floor, top floor first (one climbs up and delivers on
    the way down) and, on a floor, by unit and door. Three queries whatever the number of parcels."""
    now = timezone.now()
    base = (
        parcels_visible(user=user)
        .filter(compound=site)
        .filter(Q(state__in=SENDABLE_STATES) | Q(state=ParcelState.OUT, courier=user))
    )
    counts = (
        base.values("block_id")
        .annotate(
            deliverable=Count("pk", filter=_deliverable_q(now)),
            holding=Count("pk", filter=Q(state__in=SENDABLE_STATES, hold_until__gt=now)),
            mine=Count("pk", filter=Q(state=ParcelState.OUT)),
        )
        .order_by()
    )
    counts = {row["block_id"]: row for row in counts}
    blocks = {a.pk: a for a in Area.objects.filter(pk__in=list(counts)).order_by("sort_key", "path")}
    shown = [
        QueueBlock(
            block=area,
            deliverable=counts[pk]["deliverable"],
            holding=counts[pk]["holding"],
            mine=counts[pk]["mine"],
        )
        for pk, area in blocks.items()
    ]
    shown.sort(key=lambda b: (b.block.sort_key, b.block.path))
    chosen = next((b.block for b in shown if str(b.block.pk) == str(block_id)), None)
    if chosen is None and shown:
        # Start with the block where this courier has parcels out, else the fullest.
        chosen = max(shown, key=lambda b: (b.mine, b.deliverable)).block
    queue = Queue(site=site, blocks=shown, block=chosen, now=now)
    if chosen is not None:
        floors: dict[int, list[Parcel]] = {}
        for parcel in (
            base.filter(block=chosen)
            .select_related("household", "household__parent", "household__parent__parent")
            .order_by("-floor", "household_path", "pk")
        ):
            floors.setdefault(parcel.floor, []).append(parcel)
        queue.floors = list(floors.items())
    return queue


def compound_volunteers(*, compound: Area) -> list:
    """Users with a volunteer's grant inside the compound (or on it), by name."""
    user_ids = Grant.objects.filter(subtree_q(compound.path, "area__path"), role=Role.VOLUNTEER).values(
        "user_id"
    )
    return list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("first_name", "username")
    )


def split_jobs(*, site: Area, now=None, model: CostModel = COSTS) -> tuple[list[Job], dict[int, Parcel]]:
    """The site's deliverable parcels not yet given to anyone, as jobs: one per floor of a stairwell.
    One query."""
    now = now or timezone.now()
    parcels = list(
        Parcel.objects.filter(compound=site, courier__isnull=True)
        .filter(_deliverable_q(now))
        .select_related("household", "household__parent", "household__parent__parent", "block")
        .order_by("household_path", "pk")
    )
    return jobs_of(parcels, model), {p.pk: p for p in parcels}


def jobs_of(parcels: list[Parcel], model: CostModel = COSTS) -> list[Job]:
    """Parcels (with their household, its parent and their block loaded) as stairwell-floor jobs."""
    grouped: dict[tuple, list[Parcel]] = {}
    for parcel in parcels:
        grouped.setdefault((parcel.block_id, parcel.household.parent_id, parcel.floor), []).append(parcel)
    jobs = []
    for key, group in grouped.items():
        block = group[0].block
        stairwell = group[0].household.parent
        has_lift = bool(block.has_lift) and block.kind == AreaKind.BUILDING
        jobs.append(
            Job(
                key=key,
                building=block.pk,
                order=(block.sort_key, block.path, stairwell.sort_key, stairwell.path, key[2]),
                cost=model.job_cost(
                    floor=key[2],
                    has_lift=has_lift,
                    doors=len({p.household_id for p in group}),
                    weights=[p.weight_class for p in group],
                ),
                parcels=[p.pk for p in group],
                doors=len({p.household_id for p in group}),
            )
        )
    return jobs


@dataclass
class SplitView:
    site: Area
    plan: Plan
    volunteers: dict[int, object]
    parcels: dict[int, Parcel]

    def assignment(self) -> dict[int, list[int]]:
        return {s.volunteer: [pk for job in s.jobs for pk in job.parcels] for s in self.plan.shares}


def delivery_split(*, user, site: Area, volunteer_ids=None) -> SplitView:
    """The plan for the site's deliverable parcels over its volunteers (or those chosen of them)."""
    require(user, Perm.DELIVERY_PLAN, site.path)
    volunteers = {v.pk: v for v in compound_volunteers(compound=site)}
    if volunteer_ids:
        chosen = {int(v) for v in volunteer_ids}
        volunteers = {pk: v for pk, v in volunteers.items() if pk in chosen}
    jobs, parcels = split_jobs(site=site)
    return SplitView(site=site, plan=split(jobs, list(volunteers)), volunteers=volunteers, parcels=parcels)


def assigned_split(*, user, site: Area) -> SplitView:
    """What was given out: each courier's parcels out for delivery now, as a plan (loads by the same
    cost model), for the printed lists after assigning."""
    require(user, Perm.DELIVERY_PLAN, site.path)
    parcels = list(
        Parcel.objects.filter(compound=site, state=ParcelState.OUT)
        .select_related("household", "household__parent", "household__parent__parent", "block", "courier")
        .order_by("household_path", "pk")
    )
    by_courier: dict[int, list[Parcel]] = {}
    for parcel in parcels:
        by_courier.setdefault(parcel.courier_id, []).append(parcel)
    shares = []
    all_jobs = []
    for courier_id, mine in by_courier.items():
        jobs = sorted(jobs_of(mine), key=lambda j: j.order)
        all_jobs += jobs
        shares.append(Share(volunteer=courier_id, jobs=jobs, load=load_of(jobs)))
    plan = Plan(
        shares=shares,
        makespan=max((s.load for s in shares), default=0),
        lower_bound=lower_bound(all_jobs, len(shares)),
        total_work=sum(s.load for s in shares),
    )
    volunteers = {p.courier_id: p.courier for p in parcels}
    return SplitView(site=site, plan=plan, volunteers=volunteers, parcels={p.pk: p for p in parcels})


def parcels_out_exist(*, site: Area) -> bool:
    return Parcel.objects.filter(compound=site, state=ParcelState.OUT).exists()


def household_parcels(*, household_ids, days: int = 3) -> list[Parcel]:
    """A resident's page: their households' parcels of the last days, newest first (the resident's own
    door was checked by the page that lists their homes)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        Parcel.objects.filter(household_id__in=list(household_ids), registered_at__gte=since).order_by(
            "-registered_at", "-pk"
        )[:30]
    )


def day_parcels(*, user, site: Area, day: dt.date) -> QuerySet[Parcel]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return (
        parcels_visible(user=user)
        .filter(compound=site)
        .filter(
            Q(registered_at__gte=start, registered_at__lt=start + dt.timedelta(days=1))
            | Q(state__in=OPEN_STATES)
        )
        .select_related(
            "household", "household__parent", "household__parent__parent", "courier", "delivered_by"
        )
        .order_by("household_path", "pk")
    )
