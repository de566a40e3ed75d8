"""Writing distribution campaigns: plan, confirm counts, issue a batch, hand over, record doors, return.

Every stock movement goes through `supplies.services.stock_post`; every write here is one
transaction with its audit row. The sets are worked as sets: a campaign's shares are one aggregate
query and one bulk insert; a batch of door receipts is a few queries whatever its size.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.models import Grant
from firstline.accounts.roles import Perm, Role
from firstline.accounts.scope import require, scope_paths
from firstline.areas.models import Area, AreaKind
from firstline.common.audit import audit_record
from firstline.common.bulk import in_values
from firstline.common.errors import Conflict, PermissionDenied
from firstline.common.paths import SEGMENT_WIDTH, any_subtree_q, is_within, subtree_sql
from firstline.common.text import clean_text
from firstline.distribution.models import (
    OPEN_STATUSES,
    OUTCOMES,
    Allocation,
    Batch,
    BatchStatus,
    Campaign,
    CampaignArea,
    CampaignItem,
    CampaignStatus,
    Receipt,
    Rule,
    Share,
    ShareStatus,
)
from firstline.people.models import VulnerabilityTag
from firstline.supplies.models import MovementKind, Warehouse
from firstline.supplies.services import clean_quantity, fmt_quantity, stock_post

REF_BATCH = "distribution.batch"
REF_RETURN = "distribution.campaign"
SCOPE_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.COMPOUND, AreaKind.BUILDING)
MAX_BATCHES = 20


def _leaders(paths: list[str]) -> dict[int, int]:
    """area id -> the user id of its first building-leader grant, for the buildings and units in scope."""
    leaders: dict[int, int] = {}
    for area_id, user_id in (
        Grant.objects.filter(role=Role.BUILDING_LEADER, area__kind__in=(AreaKind.BUILDING, AreaKind.UNIT))
        .filter(any_subtree_q(paths, "area__path"))
        .order_by("id")
        .values_list("area_id", "user_id")
    ):
        leaders.setdefault(area_id, user_id)
    return leaders


def _households(scope_q: Q, rule: str, tags: list[str]):
    """One aggregate query: each household of the scope with its stairwell and, by the rule, its units."""
    rows = Area.objects.filter(
        scope_q, kind=AreaKind.HOUSEHOLD, parent__kind__in=(AreaKind.UNIT, AreaKind.BUILDING)
    )
    current = Q(residences__is_current=True)
    if rule == Rule.PERSON:
        rows = rows.annotate(n=Count("residences", filter=current))
    elif rule == Rule.VULNERABLE:
        needs = current & Q(residences__person__vulnerabilities__isnull=False)
        if tags:
            needs &= Q(residences__person__vulnerabilities__tag__in=tags)
        rows = rows.annotate(n=Count("residences__person", filter=needs, distinct=True))
    return rows.values_list(
        "pk",
        "parent_id",
        "parent__kind",
        "parent__parent_id",
        "parent__sort_key",
        "parent__path",
        *(["n"] if rule in (Rule.PERSON, Rule.VULNERABLE) else []),
    )


def _split(buildings: list[int], households: dict[int, int], count: int) -> list[list[int]]:
    """Buildings in their order, cut into `count` runs of about equal households."""
    total = sum(households.values()) or 1
    runs: list[list[int]] = [[] for _ in range(count)]
    done = 0
    for building in buildings:
        index = min(count - 1, int(done * count / total))
        runs[index].append(building)
        done += households.get(building, 0)
    return [run for run in runs if run]


def _shares_insert_per_household(campaign: Campaign, paths: list[str]) -> None:
    """One share for every door of the allocated stairwells, written by one INSERT … SELECT."""
    area, allocation, share = Area._meta.db_table, Allocation._meta.db_table, Share._meta.db_table
    inside, params = subtree_sql(paths, "h.path")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {share} (campaign_id, allocation_id, batch_id, household_id, units, status)"  # noqa: S608
            f" SELECT a.campaign_id, a.id, a.batch_id, h.id, 1, %s FROM {area} h"
            f" JOIN {allocation} a ON a.stairwell_id = h.parent_id AND a.campaign_id = %s"
            f" WHERE h.kind = %s AND {inside}",
            [ShareStatus.DUE, campaign.pk, AreaKind.HOUSEHOLD, *params],
        )


@transaction.atomic
def campaign_create(
    *,
    acting_user,
    name: str,
    warehouse: Warehouse,
    items: list[tuple],
    rule: str = Rule.HOUSEHOLD,
    scope: list[Area],
    batches: list[list[int]] | None = None,
    batch_count: int = 1,
    tags: list[str] | None = None,
    fixed: list[tuple[Area, object]] | None = None,
    note: str = "",
) -> Campaign:
    """A campaign with its shares and per-stairwell allocation. `items` are (item, quantity per share);
    `batches` lists building ids batch by batch in the agreed order (else the ledger's order cut into
    `batch_count` runs); `fixed` gives (household, units) for the list rule."""
    require(acting_user, Perm.SUPPLY_MANAGE, warehouse.area.path)
    name = clean_text(name, field="name", max_length=100, required=True)
    note = clean_text(note, field="note", max_length=300)
    if rule not in Rule.values:
        raise ValidationError(
            {"rule": _("Choose a rule: per household, per person, per vulnerable member or a list.")}
        )
    tags = list(tags or [])
    if any(tag not in VulnerabilityTag.values for tag in tags):
        raise ValidationError({"tags": _("Unknown group of vulnerable people.")})
    if not items:
        raise ValidationError({"items": _("Add at least one item and its quantity per share.")})
    seen = set()
    cleaned_items = []
    for index, (item, per_unit) in enumerate(items, start=1):
        if item.pk in seen:
            raise ValidationError({"items": _("Item %(item)s is listed twice.") % {"item": item.name}})
        seen.add(item.pk)
        cleaned_items.append((item, clean_quantity(per_unit, field=f"items.{index}.quantity")))
    if not scope:
        raise ValidationError({"scope": _("Choose the compounds or buildings the campaign serves.")})
    for area in scope:
        if area.kind not in SCOPE_KINDS:
            raise ValidationError(
                {"scope": _("%(area)s is not a community, compound or building.") % {"area": area.name}}
            )
        if not is_within(area.path, [warehouse.area.path]):
            raise ValidationError(
                {
                    "scope": _("%(area)s is outside the area %(warehouse)s serves.")
                    % {"area": area.name, "warehouse": warehouse.name}
                }
            )
    if not 1 <= int(batch_count) <= MAX_BATCHES:
        raise ValidationError({"batches": _("Give between 1 and %(max)s batches.") % {"max": MAX_BATCHES}})
    scope_q = any_subtree_q([a.path for a in scope])

    # One aggregate query for every household of the scope.
    stairwell_units: dict[int, Decimal] = defaultdict(Decimal)
    stairwell_households: dict[int, int] = defaultdict(int)
    building_of_stairwell: dict[int, int] = {}
    stairwell_order: dict[int, tuple] = {}
    units_of: dict[int, Decimal] = {}
    stairwell_of: dict[int, int] = {}
    if rule == Rule.HOUSEHOLD:
        # One share a door: the households are counted per stairwell, and the shares written by the
        # database itself from the same rows (INSERT … SELECT) after the allocation.
        for parent_id, parent_kind, grandparent_id, parent_sort, parent_path, count in (
            Area.objects.filter(
                scope_q, kind=AreaKind.HOUSEHOLD, parent__kind__in=(AreaKind.UNIT, AreaKind.BUILDING)
            )
            .values_list("parent_id", "parent__kind", "parent__parent_id", "parent__sort_key", "parent__path")
            .annotate(n=Count("id"))
            .values_list(
                "parent_id", "parent__kind", "parent__parent_id", "parent__sort_key", "parent__path", "n"
            )
            .order_by()
        ):
            stairwell_units[parent_id] = Decimal(count)
            stairwell_households[parent_id] = count
            building_of_stairwell[parent_id] = (
                parent_id if parent_kind == AreaKind.BUILDING else grandparent_id
            )
            stairwell_order[parent_id] = (parent_sort, parent_path)
    else:
        rows = list(_households(scope_q, rule, tags))
        if rule == Rule.LIST:
            wanted: dict[int, Decimal] = {}
            for number, (household, units) in enumerate(fixed or [], start=1):
                if household.pk in wanted:
                    raise ValidationError(
                        {"list": _("Row %(row)s: this door is listed twice.") % {"row": number}}
                    )
                wanted[household.pk] = clean_quantity(units, field=f"list.{number}")
            if not wanted:
                raise ValidationError({"list": _("Give the list of households and their shares.")})
            in_scope = {row[0] for row in rows}
            outside = [pk for pk in wanted if pk not in in_scope]
            if outside:
                raise ValidationError(
                    {
                        "list": _("%(count)s listed households are outside the campaign's places.")
                        % {"count": len(outside)}
                    }
                )
        for row in rows:
            pk, parent_id, parent_kind, grandparent_id, parent_sort, parent_path = row[:6]
            units = wanted.get(pk, Decimal(0)) if rule == Rule.LIST else Decimal(row[6])
            if units <= 0:
                continue
            units_of[pk] = units
            stairwell_of[pk] = parent_id
            stairwell_units[parent_id] += units
            stairwell_households[parent_id] += 1
            building_of_stairwell[parent_id] = (
                parent_id if parent_kind == AreaKind.BUILDING else grandparent_id
            )
            stairwell_order[parent_id] = (parent_sort, parent_path)
    if not stairwell_households:
        raise ValidationError({"scope": _("No household in these places is due a share by this rule.")})

    building_info = {
        b["pk"]: b
        for b in Area.objects.filter(pk__in=set(building_of_stairwell.values())).values(
            "pk", "name", "sort_key", "path", "parent__path"
        )
    }
    households_per_building: dict[int, int] = defaultdict(int)
    for stairwell, count in stairwell_households.items():
        households_per_building[building_of_stairwell[stairwell]] += count
    ordered = sorted(
        building_info,
        key=lambda b: (
            building_info[b]["parent__path"],
            building_info[b]["sort_key"],
            building_info[b]["path"],
        ),
    )
    if batches:
        listed = [int(b) for run in batches for b in run]
        unknown = [b for b in listed if b not in building_info]
        if unknown:
            raise ValidationError(
                {
                    "batches": _(
                        "A building in the batches is not in the campaign's places, or has no household due."
                    )
                }
            )
        if len(set(listed)) != len(listed):
            raise ValidationError({"batches": _("A building is in two batches; give each building once.")})
        missing = [building_info[b]["name"] for b in ordered if b not in set(listed)]
        if missing:
            raise ValidationError(
                {
                    "batches": _("Put every building in a batch; missing: %(names)s.")
                    % {"names": "、".join(missing)}
                }
            )
        runs = [[int(b) for b in run] for run in batches if run]
        if len(runs) > MAX_BATCHES:
            raise ValidationError(
                {"batches": _("Give between 1 and %(max)s batches.") % {"max": MAX_BATCHES}}
            )
    else:
        runs = _split(ordered, households_per_building, int(batch_count))

    campaign = Campaign.objects.create(
        name=name,
        warehouse=warehouse,
        area=warehouse.area,
        rule=rule,
        tags=tags,
        note=note,
        created_by=acting_user,
    )
    CampaignArea.objects.bulk_create(CampaignArea(campaign=campaign, area=area) for area in scope)
    CampaignItem.objects.bulk_create(
        CampaignItem(campaign=campaign, item=item, per_unit=per_unit) for item, per_unit in cleaned_items
    )
    batch_rows = Batch.objects.bulk_create(
        Batch(campaign=campaign, number=n) for n in range(1, len(runs) + 1)
    )
    batch_ids = (
        [b.pk for b in batch_rows]
        if batch_rows[0].pk
        else list(Batch.objects.filter(campaign=campaign).order_by("number").values_list("pk", flat=True))
    )
    leaders = _leaders([a.path for a in scope])
    stairwells_of_building: dict[int, list[int]] = defaultdict(list)
    for stairwell, building in building_of_stairwell.items():
        stairwells_of_building[building].append(stairwell)
    allocations = []
    position = 0
    batch_of_stairwell: dict[int, int] = {}
    for batch_id, run in zip(batch_ids, runs, strict=True):
        for building in run:
            for stairwell in sorted(stairwells_of_building[building], key=lambda s: stairwell_order[s]):
                position += 1
                batch_of_stairwell[stairwell] = batch_id
                allocations.append(
                    Allocation(
                        campaign=campaign,
                        batch_id=batch_id,
                        building_id=building,
                        stairwell_id=stairwell,
                        position=position,
                        building_leader_id=leaders.get(building),
                        unit_leader_id=leaders.get(stairwell) if stairwell != building else None,
                        households=stairwell_households[stairwell],
                        units=stairwell_units[stairwell],
                    )
                )
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    if rule == Rule.HOUSEHOLD:
        _shares_insert_per_household(campaign, [a.path for a in scope])
    else:
        allocation_of = dict(Allocation.objects.filter(campaign=campaign).values_list("stairwell_id", "pk"))
        Share.objects.bulk_create(
            (
                Share(
                    campaign=campaign,
                    allocation_id=allocation_of[stairwell],
                    batch_id=batch_of_stairwell[stairwell],
                    household_id=pk,
                    units=units_of[pk],
                )
                for pk, stairwell in stairwell_of.items()
            ),
            batch_size=5000,
        )
    total_units = sum(stairwell_units.values())
    audit_record(
        actor=acting_user,
        action="distribution.create",
        target=campaign,
        area_path=warehouse.area.path,
        changes={
            "name": name,
            "rule": rule,
            "households": sum(stairwell_households.values()),
            "shares": fmt_quantity(total_units),
            "batches": len(runs),
            "buildings": len(building_info),
        },
    )
    return campaign


@transaction.atomic
def allocation_confirm(*, acting_user, allocation: Allocation, households) -> Allocation:
    """A leader confirms (or corrects) the number of households of their stairwell."""
    require(acting_user, Perm.SUPPLY_DELIVER, allocation.stairwell.path)
    try:
        count = int(str(households).strip())
    except (TypeError, ValueError):
        raise ValidationError({"households": _("Give the number of households as a whole number.")}) from None
    if count < 0 or count > 10000:
        raise ValidationError({"households": _("Give a number of households between 0 and 10000.")})
    old = allocation.confirmed_households
    allocation.confirmed_households = count
    allocation.confirmed_by = acting_user
    allocation.confirmed_at = timezone.now()
    allocation.save(update_fields=["confirmed_households", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=acting_user,
        action="distribution.confirm",
        target=allocation,
        area_path=allocation.stairwell.path,
        changes={"households": [old, count], "ledger": allocation.households},
    )
    return allocation


def _due_per_item(campaign: Campaign, units: Decimal) -> list[tuple[CampaignItem, Decimal]]:
    return [
        (ci, (units * ci.per_unit).quantize(Decimal("0.01"))) for ci in campaign.items.select_related("item")
    ]


@transaction.atomic
def batch_issue(*, acting_user, batch: Batch) -> Batch:
    """Take a batch's shares out of the campaign's warehouse: one ledger row per item."""
    campaign = batch.campaign
    require(acting_user, Perm.SUPPLY_MANAGE, campaign.area.path)
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict(_("This campaign is closed."), code="campaign_closed")
    now = timezone.now()
    # A conditional update: two clicks, or two desks, issue a batch once.
    if not Batch.objects.filter(pk=batch.pk, status=BatchStatus.PLANNED).update(
        status=BatchStatus.ISSUED, issued_by=acting_user, issued_at=now
    ):
        raise Conflict(
            _("Batch %(number)s has already been issued.") % {"number": batch.number}, code="batch_issued"
        )
    units = Share.objects.filter(batch=batch).aggregate(s=Sum("units"))["s"] or Decimal(0)
    for campaign_item, quantity in _due_per_item(campaign, units):
        stock_post(
            acting_user=acting_user,
            warehouse=campaign.warehouse,
            item=campaign_item.item,
            kind=MovementKind.ISSUE,
            quantity=quantity,
            note=f"{campaign.name} #{batch.number}",
            ref_type=REF_BATCH,
            ref_id=batch.pk,
            moved_at=now,
        )
    Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.PLANNED).update(
        status=CampaignStatus.IN_PROGRESS
    )
    batch.refresh_from_db()
    audit_record(
        actor=acting_user,
        action="distribution.issue",
        target=batch,
        area_path=campaign.area.path,
        changes={"batch": batch.number, "shares": fmt_quantity(units)},
    )
    return batch


@transaction.atomic
def building_handover(*, acting_user, campaign: Campaign, building: Area, received_by=None) -> int:
    """The supply group hands a building's issued shares to its leader (or, where it has none, to the
    staff member who takes them). Returns how many stairwells were handed over."""
    require(acting_user, Perm.SUPPLY_MANAGE, building.path)
    rows = list(
        Allocation.objects.filter(
            campaign=campaign, building=building, handed_at__isnull=True
        ).select_related("batch")
    )
    if not rows:
        raise Conflict(
            _("%(building)s has already been handed over.") % {"building": building.name}, code="handed_over"
        )
    if any(row.batch.status != BatchStatus.ISSUED for row in rows):
        raise Conflict(
            _("Issue batch %(number)s from stock before handing %(building)s over.")
            % {"number": rows[0].batch.number, "building": building.name},
            code="batch_not_issued",
        )
    receiver = received_by or (rows[0].building_leader if rows[0].building_leader_id else acting_user)
    now = timezone.now()
    handed = Allocation.objects.filter(pk__in=[r.pk for r in rows], handed_at__isnull=True).update(
        handed_to=receiver, handed_by=acting_user, handed_at=now
    )
    if handed != len(rows):
        raise Conflict(
            _("%(building)s has already been handed over.") % {"building": building.name}, code="handed_over"
        )
    units = sum((r.units for r in rows), Decimal(0))
    audit_record(
        actor=acting_user,
        action="distribution.handover",
        target=campaign,
        area_path=building.path,
        changes={
            "user": receiver.pk,
            "shares": fmt_quantity(units),
            "households": sum(r.households for r in rows),
        },
    )
    return handed


def _refuse(refused: list, household: int, reason: str) -> None:
    refused.append({"household": household, "reason": reason})


def receipts_record(*, acting_user, campaign: Campaign, entries: list[dict]) -> dict:
    """Record door outcomes from a leader's phone: [{household, outcome, client_key}, ...].

    A retry with a client key already recorded changes nothing (it is counted as replayed); a
    second delivery to a household is refused by the database's unique constraint, whichever phone
    is second; a door outside the user's buildings, or not yet handed over, is refused by row."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _receipts_record(acting_user=acting_user, campaign=campaign, entries=entries)
        except IntegrityError:
            # Another phone delivered one of these doors between our read and our insert: read again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _receipts_insert(rows: list[tuple]) -> None:
    """Many receipts in one prepared INSERT run for every row (no model instances: a batch of
    10,000 doors is inserted in a fraction of the time bulk_create takes); the constraints hold."""
    if not rows:
        return
    table = Receipt._meta.db_table
    recorded_at = Receipt._meta.get_field("recorded_at")
    prepared = [(*row[:6], recorded_at.get_db_prep_save(row[6], connection)) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (campaign_id, share_id, household_id, outcome, client_key, recorded_by_id,"  # noqa: S608
            " recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            prepared,
        )


def _shares_of(campaign: Campaign, households: set[int]) -> dict[int, dict]:
    """The shares of these households as they are now, by household: one query."""
    rows = Share.objects.filter(
        campaign=campaign, household_id__in=in_values(Share, "household_id", households)
    ).values("pk", "household_id", "status", "household__path", "allocation__handed_at")
    return {row["household_id"]: row for row in rows}


def _receipts_record(*, acting_user, campaign: Campaign, entries: list[dict]) -> dict:
    paths = scope_paths(acting_user, Perm.SUPPLY_DELIVER)
    if not paths:
        raise PermissionDenied(
            _("Your role does not allow you to hand out a distribution's shares to doors."),
            code=Perm.SUPPLY_DELIVER,
        )
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict(_("This campaign is closed."), code="campaign_closed")
    cleaned = []
    for number, entry in enumerate(entries, start=1):
        outcome = entry.get("outcome")
        if outcome not in OUTCOMES:
            raise ValidationError({f"receipts.{number}.outcome": _("Say delivered, not at home or refused.")})
        key = clean_text(entry.get("client_key") or "", field=f"receipts.{number}.client_key", max_length=64)
        try:
            household = int(entry.get("household"))
        except (TypeError, ValueError):
            raise ValidationError({f"receipts.{number}.household": _("Give the household.")}) from None
        cleaned.append((household, outcome, key))
    keys = [key for _h, _o, key in cleaned if key]
    # A key already recorded: the same try sent again (nothing to do), or a key reused for another door.
    replayed_keys = (
        dict(
            Receipt.objects.filter(
                campaign=campaign, client_key__in=in_values(Receipt, "client_key", keys)
            ).values_list("client_key", "household_id")
        )
        if keys
        else {}
    )
    shares = _shares_of(campaign, {h for h, _o, _k in cleaned})
    now = timezone.now()
    refused: list[dict] = []
    receipts = []
    by_outcome: dict[str, list[int]] = defaultdict(list)
    replayed = 0
    seen_delivered = set()
    for household, outcome, key in cleaned:
        if key and key in replayed_keys:
            if replayed_keys[key] == household:
                replayed += 1
            else:
                _refuse(refused, household, "client_key_reused")
            continue
        share = shares.get(household)
        if share is None or not is_within(share["household__path"], paths):
            _refuse(refused, household, "not_in_campaign")
            continue
        if share["allocation__handed_at"] is None:
            _refuse(refused, household, "not_handed_over")
            continue
        if share["status"] == ShareStatus.DELIVERED or household in seen_delivered:
            _refuse(refused, household, "already_delivered")
            continue
        if share["status"] == ShareStatus.RETURNED:
            _refuse(refused, household, "returned")
            continue
        if outcome == ShareStatus.DELIVERED:
            seen_delivered.add(household)
        receipts.append((campaign.pk, share["pk"], household, outcome, key, acting_user.pk, now))
        by_outcome[outcome].append(share["pk"])
    _receipts_insert(receipts)
    for outcome, share_ids in by_outcome.items():
        # The status of a delivered share never goes back; the latest try of an open one counts.
        for start in range(0, len(share_ids), 5000):
            Share.objects.filter(
                pk__in=in_values(Share, "id", share_ids[start : start + 5000]), status__in=OPEN_STATUSES
            ).update(status=outcome, updated_at=now)
    counts = {outcome: len(ids) for outcome, ids in by_outcome.items()}
    if receipts:
        audit_record(
            actor=acting_user,
            action="distribution.receipts",
            target=campaign,
            area_path=_common_path([shares[row[2]]["household__path"] for row in receipts]),
            changes={
                "delivered": counts.get(ShareStatus.DELIVERED, 0),
                "not_home": counts.get(ShareStatus.NOT_HOME, 0),
                "refused": counts.get(ShareStatus.REFUSED, 0),
                "doors_refused": len(refused),
            },
        )
    return {
        "recorded": len(receipts),
        "delivered": counts.get(ShareStatus.DELIVERED, 0),
        "not_home": counts.get(ShareStatus.NOT_HOME, 0),
        "refused": counts.get(ShareStatus.REFUSED, 0),
        "replayed": replayed,
        "rejected": refused,
    }


def _common_path(paths: list[str]) -> str:
    """The deepest place above all the doors (for the audit row), in whole path segments."""
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[: length - length % SEGMENT_WIDTH]


@transaction.atomic
def shares_return(
    *, acting_user, campaign: Campaign, batch: Batch | None = None, building: Area | None = None
) -> Decimal:
    """Return the undelivered shares (still due, not at home or refused) of handed-over stairwells to
    the warehouse: one ledger row per item with kind return. Returns the shares returned."""
    require(acting_user, Perm.SUPPLY_MANAGE, (building or campaign.area).path)
    rows = Share.objects.filter(
        campaign=campaign, status__in=OPEN_STATUSES, allocation__handed_at__isnull=False
    )
    if batch is not None:
        rows = rows.filter(batch=batch)
    if building is not None:
        rows = rows.filter(allocation__building=building)
    picked = list(rows.values_list("pk", "units"))
    if not picked:
        raise Conflict(_("No undelivered share is left to return."), code="nothing_to_return")
    ids = [pk for pk, _u in picked]
    now = timezone.now()
    changed = 0
    for start in range(0, len(ids), 5000):
        changed += Share.objects.filter(
            pk__in=in_values(Share, "id", ids[start : start + 5000]), status__in=OPEN_STATUSES
        ).update(status=ShareStatus.RETURNED, updated_at=now)
    if changed != len(ids):  # a phone delivered one meanwhile: return nothing, and say so
        raise Conflict(
            _("Doors were marked while returning; look again and return what is left."), code="stale"
        )
    units = sum((u for _pk, u in picked), Decimal(0))
    for campaign_item, quantity in _due_per_item(campaign, units):
        stock_post(
            acting_user=acting_user,
            warehouse=campaign.warehouse,
            item=campaign_item.item,
            kind=MovementKind.RETURN,
            quantity=quantity,
            note=campaign.name,
            ref_type=REF_RETURN,
            ref_id=campaign.pk,
            moved_at=now,
        )
    audit_record(
        actor=acting_user,
        action="distribution.return",
        target=campaign,
        area_path=(building or campaign.area).path,
        changes={
            "shares": fmt_quantity(units),
            "households": len(ids),
            "batch": batch.number if batch else "",
        },
    )
    return units


@transaction.atomic
def campaign_close(*, acting_user, campaign: Campaign) -> Campaign:
    require(acting_user, Perm.SUPPLY_MANAGE, campaign.area.path)
    if Share.objects.filter(
        campaign=campaign, status__in=OPEN_STATUSES, allocation__handed_at__isnull=False
    ).exists():
        raise Conflict(
            _("Shares are still with leaders: record the doors or return them first."), code="open_shares"
        )
    old = campaign.status
    if (
        not Campaign.objects.filter(pk=campaign.pk)
        .exclude(status=CampaignStatus.CLOSED)
        .update(status=CampaignStatus.CLOSED)
    ):
        raise Conflict(_("This campaign is closed."), code="campaign_closed")
    campaign.status = CampaignStatus.CLOSED
    audit_record(
        actor=acting_user,
        action="distribution.close",
        target=campaign,
        area_path=campaign.area.path,
        changes={"status": [old, CampaignStatus.CLOSED]},
    )
    return campaign
