"""Reads on people, always narrowed to the acting user's scope."""

import re
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can, scope_paths, scope_q, work_scope
from firstline.areas.models import Area, AreaKind
from firstline.common import crypto
from firstline.common.bulk import in_values
from firstline.common.errors import NotFound
from firstline.common.identity import fold, mask_name, normalise_phone, read_id_number
from firstline.common.paths import any_subtree_q, subtree_q
from firstline.common.places import GROUP_NUMBER, group_key
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
    *[
        When(relation=r, then=Value(i))
        for i, r in enumerate(
            [
                Relation.HEAD,
                Relation.SPOUSE,
                Relation.GRANDPARENT,
                Relation.PARENT,
                Relation.CHILD,
                Relation.GRANDCHILD,
                Relation.SIBLING,
                Relation.RELATIVE,
                Relation.OTHER,
            ]
        )
    ],
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


def masked_names(*, ids) -> dict[int, str]:
    """{person id: the name masked ('王*芳')} for the people a page names by id, in one query."""
    ids = {int(i) for i in ids if isinstance(i, int) or str(i).isdigit()}
    if not ids:
        return {}
    return {pk: mask_name(name) for pk, name in Person.objects.filter(pk__in=ids).values_list("pk", "name")}


def number_hash(person: Person) -> str | None:
    """The keyed hash of the ID number a record carries, whether it holds it in the unique index
    (`id_hash`) or only holds it for review (sealed, with no hash: ADR 0008)."""
    if person.id_hash:
        return person.id_hash
    return crypto.lookup_hash(crypto.unseal(person.id_sealed)) if person.id_sealed else None


def held_for_review(*, digests) -> dict[str, list[int]]:
    """{keyed hash: ids of the records holding that number for review}, in one query.

    A record holds its number for review when it was registered by someone who may not see the
    record already registered with it (ADR 0008): it carries the number sealed and masked but not
    its hash, and is paired with that record for the staff who see both. The pairing finds it; the
    sealed number, checked against the pair's hash, says it still carries that number."""
    digests = [d for d in set(digests) if d]
    if not digests:
        return {}
    pairs = (
        DuplicateCandidate.objects.filter(
            other__id_hash__in=in_values(Person, "id_hash", digests),
            person__id_hash__isnull=True,
            person__id_sealed__isnull=False,
            person__merged_into__isnull=True,
        )
        .values_list("person_id", "person__id_sealed", "other__id_hash")
        .order_by("person_id")
    )
    held: dict[str, list[int]] = {}
    for pk, sealed, digest in pairs:
        if crypto.lookup_hash(crypto.unseal(sealed)) == digest and pk not in held.get(digest, []):
            held.setdefault(digest, []).append(pk)
    return held


def id_number_holders(*, digests) -> dict[str, list[int]]:
    """{keyed hash: ids of the records carrying that number}: the registered record first, then
    the records holding it for review. Callers keep those inside the user's areas; outside them a
    number is answered as a number nobody carries."""
    digests = [d for d in set(digests) if d]
    holders: dict[str, list[int]] = {
        digest: [pk]
        for pk, digest in Person.objects.filter(
            id_hash__in=in_values(Person, "id_hash", digests)
        ).values_list("pk", "id_hash")
    }
    for digest, pks in held_for_review(digests=list(holders)).items():
        holders[digest] += pks
    return holders


def people_by_number(*, user, digests, perm: str = Perm.LEDGER_VIEW) -> dict[str, Person]:
    """{keyed hash: the record inside the user's scope that carries that number} (registered first,
    else one holding it for review); a number carried only outside the scope is left out, as if no
    one carried it. A fixed number of queries whatever the count."""
    holders = id_number_holders(digests=digests)
    wanted = {pk for pks in holders.values() for pk in pks}
    visible = people_visible(user=user, perm=perm).in_bulk(list(wanted)) if wanted else {}
    found = {}
    for digest, pks in holders.items():
        person = next((visible[pk] for pk in pks if pk in visible), None)
        if person is not None:
            found[digest] = person
    return found


def person_get(*, user, pk: int, perm: str = Perm.LEDGER_VIEW, current_only: bool = False) -> Person:
    """A person with a residence inside the user's scope for `perm` (a current one if `current_only`)."""
    try:
        return people_visible(user=user, perm=perm, current_only=current_only).get(pk=pk)
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
    return (
        Residence.objects.filter(household=household, is_current=False)
        .select_related("person")
        .order_by("-moved_out")
    )


# A village house: '3组15号', '3队15'.
_HOUSE = re.compile(rf"^\s*第?({GROUP_NUMBER})\s*(?:村民小组|村民组|小组|组|队)\s*(\d+)\s*号?\s*$")
_DOOR = re.compile(r"^\s*(\d+)\s*(?:号楼|栋|幢|#|号|-)\s*(?:(\d+)\s*(?:单元|-))?\s*(\d+)\s*(?:室|号)?\s*$")
_PHONE_LIKE = re.compile(r"^[\d\s+\-()]{7,20}$")


# Doors have short numbers ('12-3-1201'); five digits or more outside a door, or six in a row anywhere,
# may be an ID number, a document or a phone, whole or in part.
_PRIVATE_DIGITS = 5
_PRIVATE_RUN = 6


def query_is_private(query: str) -> bool:
    """Whether a search query may carry an ID number, a document or a phone number (whole or a
    part): such a query travels in a request's body, never in an address, so that it reaches no
    server or proxy log and no browser history. Names and doors may go into a link."""
    text = fold(query or "")
    runs = re.findall(r"\d+", text)
    if any(len(run) >= _PRIVATE_RUN for run in runs):
        return True
    return (
        not _DOOR.match(text) and not _HOUSE.match(text) and sum(len(run) for run in runs) >= _PRIVATE_DIGITS
    )


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
            digest = crypto.lookup_hash(number)
            held = held_for_review(digests=[digest]).get(digest, [])
            return "id_number", base.filter(Q(id_hash=digest) | Q(pk__in=held))[:limit]
        if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact):
            return "id_number", base.none()  # a resident ID with a typo finds nobody, not a namesake
    if _PHONE_LIKE.match(text):
        try:
            phone = normalise_phone(text)
        except ValidationError:
            phone = ""
        if phone:
            return "phone", base.filter(phone=phone)[:limit]
    if match := _HOUSE.match(text):
        group, number = match.groups()
        key = group_key(group)
        doors = (
            Area.objects.filter(kind=AreaKind.HOUSEHOLD, door__in=[f"{number}号", number])
            .filter(parent__kind=AreaKind.VILLAGE_GROUP)
            .filter(scope_q(user, Perm.LEDGER_VIEW))
            .values_list("pk", "parent__name")
        )
        households = [pk for pk, group_name in doors if group_key(group_name) == key]
        residents = Residence.objects.filter(household__in=households, is_current=True).values("person_id")
        return "door", base.filter(pk__in=residents)[:limit]
    if match := _DOOR.match(text):
        building, unit, door = match.groups()
        households = Area.objects.filter(kind=AreaKind.HOUSEHOLD, door=door).filter(
            scope_q(user, Perm.LEDGER_VIEW)
        )
        buildings = [
            f"{building}号楼",
            f"{building}栋",
            f"{building}幢",
            f"{building}号",
            building,
            f"Building {building}",
        ]
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


@dataclass(frozen=True)
class LedgerSearch:
    """The search page's query, read for the user who typed it: whether it may carry an ID number or a
    phone (then it stays out of addresses), and its results, found when first read."""

    user: object
    query: str

    @property
    def private(self) -> bool:
        return query_is_private(self.query)

    @cached_property
    def _found(self) -> tuple[str, list[Person]]:
        if not self.query:
            return "empty", []
        kind, found = person_search(user=self.user, query=self.query)
        current = Residence.objects.filter(is_current=True).select_related("household__parent__parent")
        people = list(found.prefetch_related(Prefetch("residences", queryset=current, to_attr="current")))
        for person in people:
            person.home = person.current[0].household if person.current else None
        return kind, people

    @property
    def kind(self) -> str:
        return self._found[0]

    @property
    def results(self) -> list[Person]:
        """The people found, each with `home`: the household they live in now (None if none)."""
        return self._found[1]


def ledger_search(*, user, query: str) -> LedgerSearch:
    """The search of the ledger by one box; NotFound for someone who sees no ledger anywhere (a lab)."""
    work_scope(user, Perm.LEDGER_VIEW)
    return LedgerSearch(user=user, query=query)


def vulnerable_people(*, user, area: Area, tag: str | None = None) -> QuerySet[Vulnerability]:
    """People of a vulnerable group living now under `area`, with their household, by door."""
    if not can(user, Perm.LEDGER_VIEW, area.path):
        raise NotFound
    queryset = Vulnerability.objects.filter(
        Exists(
            Residence.objects.filter(person=OuterRef("person"), is_current=True).filter(
                subtree_q(area.path, "household__path")
            )
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


def duplicate_queue(*, user) -> QuerySet[DuplicateCandidate]:
    """The open pairs of possible duplicates to resolve; NotFound for someone who never merges."""
    work_scope(user, Perm.PERSON_MERGE)
    return duplicates_open(user=user)


def duplicate_get(*, user, pk: int) -> DuplicateCandidate:
    """An open pair whose two records are both inside the user's merge scope."""
    try:
        return duplicates_open(user=user).get(pk=pk)
    except (DuplicateCandidate.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def duplicates_open(*, user) -> QuerySet[DuplicateCandidate]:
    """The open pairs whose two records are both live and lived inside the user's merge scope.

    The query starts from the few open pairs (indexed on status) and asks of each of its two records
    whether one residence lies in scope: never the set of every visible person (the planner built
    that whole set first, 4 s on the demo's 8,500 people)."""
    in_scope = any_subtree_q(scope_paths(user, Perm.PERSON_MERGE), "household__path")

    def lived_in_scope(field: str) -> Exists:
        return Exists(Residence.objects.filter(in_scope, person=OuterRef(field)))

    return (
        DuplicateCandidate.objects.filter(
            lived_in_scope("person_id"),
            lived_in_scope("other_id"),
            status=DuplicateStatus.OPEN,
            person__merged_into__isnull=True,
            other__merged_into__isnull=True,
        )
        .select_related("person", "other")
        .order_by("-created_at", "-id")
    )
