"""Reads on people, always narrowed to the acting user's scope."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths, scope_q
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.errors import NotFound
from firstline.common.identity import fold, normalise_phone, read_id_number
from firstline.common.paths import any_subtree_q, subtree_q
from firstline.people.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    Relation,
    Residence,
    Vulnerability,
)

# Household members are listed as a family reads them: head first, then spouse, parents, children.
_RELATION_ORDER = Case(
    *[When(relation=r, then=Value(i)) for i, r in enumerate(
        [Relation.HEAD, Relation.SPOUSE, Relation.GRANDPARENT, Relation.PARENT, Relation.CHILD,
         Relation.GRANDCHILD, Relation.SIBLING, Relation.RELATIVE, Relation.OTHER]
    )],
    default=Value(99),
)


def people_visible(*, user, perm: str = Perm.LEDGER_VIEW, current_only: bool = False) -> QuerySet[Person]:
    """People with a residence (current, or any past one unless `current_only`) inside the scope."""
    residences = Residence.objects.filter(person=OuterRef("pk")).filter(
        any_subtree_q(scope_paths(user, perm), "household__path")
    )
    if current_only:
        residences = residences.filter(is_current=True)
    return Person.objects.filter(Exists(residences), merged_into__isnull=True)


def person_get(*, user, pk: int, perm: str = Perm.LEDGER_VIEW) -> Person:
    try:
        return people_visible(user=user, perm=perm).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def person_detail(*, user, pk: int) -> Person:
    """A person with residences (and their households) and vulnerable groups, in three queries."""
    person = person_get(user=user, pk=pk)
    residences = Residence.objects.select_related("household").order_by(
        "-is_current", F("moved_in").desc(nulls_last=True), "-id"
    )
    return (
        Person.objects.filter(pk=person.pk)
        .prefetch_related(Prefetch("residences", queryset=residences), "vulnerabilities")
        .get()
    )


def household_members(*, user, household: Area) -> QuerySet[Residence]:
    """Current residents of a household, with their vulnerable groups."""
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    return (
        Residence.objects.filter(household=household, is_current=True)
        .select_related("person")
        .prefetch_related("person__vulnerabilities")
        .order_by(_RELATION_ORDER, F("person__birth_date").asc(nulls_last=True), "person_id")
    )


def household_former_members(*, user, household: Area) -> QuerySet[Residence]:
    if not can(user, Perm.LEDGER_VIEW, household.path):
        raise NotFound
    return Residence.objects.filter(household=household, is_current=False).select_related("person").order_by("-moved_out")


_DOOR = re.compile(r"^\s*(\d+)\s*(?:号楼|栋|幢|#|号|-)\s*(?:(\d+)\s*(?:单元|-))?\s*(\d+)\s*(?:室|号)?\s*$")
_PHONE_LIKE = re.compile(r"^[\d\s+\-()]{7,20}$")


def person_search(*, user, query: str, limit: int = 50) -> tuple[str, QuerySet[Person]]:
    """Find people by exact ID number, phone, door ('3-2-501', '3号楼2单元501') or name.

    Returns (what the query was taken as, results). Names match exactly or by prefix; ID numbers
    match only exactly, through the keyed hash, so nothing is ever decrypted to search.
    """
    text = fold(query)
    base = people_visible(user=user).order_by("name", "pk")
    if not text:
        return "empty", base.none()
    compact = re.sub(r"[\s\-]", "", text).upper()
    looks_like_document = re.fullmatch(r"[0-9A-Z]{5,20}", compact) and re.search(r"\d", compact)
    if looks_like_document and not (compact.isdigit() and len(compact) < 15):
        number, _problem = read_id_number(compact)
        if number:
            return "id_number", base.filter(id_hash=crypto.lookup_hash(number))[:limit]
        if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact):
            return "id_number", base.none()  # a resident ID with a typo finds nobody, not a namesake
    if _PHONE_LIKE.match(text):
        try:
            phone = normalise_phone(text)
        except ValidationError:
            phone = ""
        if phone:
            return "phone", base.filter(phone=phone)[:limit]
    if match := _DOOR.match(text):
        building, unit, door = match.groups()
        households = Area.objects.filter(kind=AreaKind.HOUSEHOLD, door=door).filter(
            scope_q(user, Perm.LEDGER_VIEW)
        )
        buildings = [f"{building}号楼", f"{building}栋", f"{building}幢", f"{building}号", building, f"Building {building}"]
        units = [f"{unit}单元", f"Unit {unit}", unit]
        households = households.filter(
            Q(parent__name__in=units, parent__parent__name__in=buildings)
            if unit
            else Q(parent__name__in=buildings) | Q(parent__parent__name__in=buildings)
        )
        residents = Residence.objects.filter(household__in=households, is_current=True).values("person_id")
        return "door", base.filter(pk__in=residents)[:limit]
    # A prefix range, which both databases answer from the name index (equality is inside it).
    by_name = base.filter(name__gte=text, name__lt=text + "\uffff")
    return "name", by_name[:limit]


def vulnerable_people(*, user, area: Area, tag: str | None = None) -> QuerySet[Vulnerability]:
    """People of a vulnerable group living now under `area`, with their household, by door."""
    if not can(user, Perm.LEDGER_VIEW, area.path):
        raise NotFound
    queryset = Vulnerability.objects.filter(
        Exists(
            Residence.objects.filter(person=OuterRef("person"), is_current=True).filter(subtree_q(area.path, "household__path"))
        )
    )
    if tag:
        queryset = queryset.filter(tag=tag)
    return queryset.select_related("person").order_by("tag", "person__name")




def child_resident_counts(*, parent: Area) -> dict[int, int]:
    """Current residents under each child of `parent`, in one grouped query."""
    width = len(parent.path) + 6
    rows = (
        Residence.objects.filter(is_current=True)
        .filter(subtree_q(parent.path, "household__path"))
        .annotate(prefix=Substr("household__path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    by_path = dict(Area.objects.filter(parent=parent).values_list("path", "pk"))
    return {by_path[row["prefix"]]: row["n"] for row in rows if row["prefix"] in by_path}


def duplicates_open(*, user) -> QuerySet[DuplicateCandidate]:
    visible = people_visible(user=user, perm=Perm.PERSON_MERGE).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN, person__in=visible, other__in=visible)
        .select_related("person", "other")
        .order_by("-created_at")
    )
