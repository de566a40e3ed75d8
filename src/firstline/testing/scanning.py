"""Registering samples: scans from a desk or at a door, one at a time or in batches from devices
that were offline (ADR 0005).

A scan is either a person going into a tube (by personal or family code, by ID number, or by the
person's id from a door-to-door list) or the closing of a tube. Every scan carries the id its
device made for it. A batch is checked on sets, a few queries whatever its size, and written in one
transaction:

- a scan whose id is already stored is answered `duplicate` and changes nothing, so a batch
  retried after a timeout, or a scan sent twice, is stored exactly once;
- a person already sampled in the round, a full or closed tube, a tube code used before, a tube of
  the wrong size for where the person lives, are refused with a reason that names them;
- a person who lives outside the round's areas is stored and flagged.

The database has the last word: one live sample per person and round, and a tube never holds
more than its capacity, are constraints. Should a concurrent batch win a race for the same tube or
person, this batch is checked again from the start; every step is idempotent, so that is safe.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths
from firstline.areas.models import RiskStatus
from firstline.areas.selectors import door_labels
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.bulk import insert_returning
from firstline.common.errors import Conflict
from firstline.common.identity import IdType, fold, mask_name, normalise_id_number
from firstline.common.paths import is_within
from firstline.people.models import Person, Residence
from firstline.registration import codes
from firstline.registration.models import CodeKind, PersonalCode
from firstline.testing.models import (
    LIVE_STATES,
    ResampleTask,
    Round,
    RoundArea,
    RoundStatus,
    Sample,
    SamplePurpose,
    SampleState,
    SamplingPoint,
    Tube,
    TubeStatus,
)
from firstline.testing.rules import RoundRules

MAX_BATCH = 10_000
SAMPLE, CLOSE = "sample", "close"
STORED, DUPLICATE, REFUSED = "stored", "duplicate", "refused"
_TUBE_CODE = re.compile(r"^[0-9A-Z][0-9A-Z\-]{3,39}$")
# Scans made this long after the device's clock says "now" are taken as made now.
_CLOCK_SLACK = dt.timedelta(minutes=5)


def normalise_tube_code(raw: str) -> str:
    """'ｔｇ 0012-34 ' -> 'TG0012-34'; ValidationError if it cannot be a tube barcode."""
    value = re.sub(r"\s+", "", fold(raw or "")).upper()
    if not _TUBE_CODE.match(value):
        raise ValidationError(_("'%(code)s' is not a tube code: 4 to 40 letters, digits or dashes.") % {"code": value[:40]},
                              code="tube_code")
    return value


@dataclass
class ScanIn:
    client_id: str | uuid.UUID
    kind: str = SAMPLE
    tube_code: str = ""
    person_code: str = ""
    person_id: int | None = None
    id_number: str = ""
    point_id: int | None = None
    desk: int | None = None
    door_to_door: bool = False
    scanned_at: dt.datetime | None = None


@dataclass
class TubeState:
    code: str
    capacity: int
    filled: int
    status: str
    per_household: bool = False
    for_resample: bool = False

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.filled)


@dataclass
class PersonOutcome:
    sample_id: str
    status: str
    person_id: int | None = None
    name: str = ""
    door: str = ""
    purpose: str = SamplePurpose.SCREENING
    out_of_scope: bool = False
    code: str = ""
    message: str = ""


@dataclass
class ScanOutcome:
    client_id: str
    status: str
    code: str = ""
    message: str = ""
    tube: TubeState | None = None
    people: list[PersonOutcome] = field(default_factory=list)


class _Refusal(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _Race(Exception):
    """A concurrent batch stored a tube or a sample this one was about to store: check again."""


@dataclass
class _Tube:
    code: str
    round_id: int
    capacity: int
    per_household: bool
    household_id: int | None
    filled: int
    status: str
    for_resample: bool
    area_path: str
    id: int | None = None
    point_id: int | None = None
    desk: int | None = None
    door_to_door: bool = False
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    added: int = 0
    closed_now: bool = False

    def state(self) -> TubeState:
        return TubeState(self.code, self.capacity, self.filled, self.status, self.per_household, self.for_resample)


@dataclass
class _Person:
    pk: int
    name: str
    home_id: int | None = None
    home_path: str = ""


@dataclass
class _Scan:
    index: int
    raw: ScanIn
    client_id: uuid.UUID | None = None
    tube_code: str = ""
    scanned_at: dt.datetime | None = None
    point: SamplingPoint | None = None
    people: list[int] = field(default_factory=list)
    family: bool = False
    outcome: ScanOutcome | None = None


def family_sample_id(client_id: uuid.UUID, person_id: int) -> uuid.UUID:
    """The id of one member's sample from a family-code scan: derived, so a retry derives the same."""
    return uuid.uuid5(client_id, f"person:{person_id}")


def scans_record(*, acting_user, round: Round, scans: list[ScanIn]) -> list[ScanOutcome]:
    """Register a batch of scans (in the order they were made); one outcome per scan, in that order."""
    if len(scans) > MAX_BATCH:
        raise ValidationError(_("At most %(n)d scans in one batch.") % {"n": MAX_BATCH})
    for _attempt in range(4):
        batch = _Batch(acting_user, round, scans)
        batch.prepare()
        try:
            with transaction.atomic():
                return batch.write()
        except _Race:
            continue
    raise Conflict(_("The server is busy with the same tubes; send the scans again."), code="busy")


class _Batch:
    def __init__(self, acting_user, round: Round, scans: list[ScanIn]):
        self.user = acting_user
        self.round = round
        self.now = timezone.now()
        self.scans = [_Scan(index=i, raw=scan) for i, scan in enumerate(scans)]
        self.people: dict[int, _Person] = {}
        self.sample_paths = scope_paths(acting_user, Perm.TESTING_SAMPLE)
        self.ledger_paths = scope_paths(acting_user, Perm.LEDGER_VIEW)
        self.round_paths = list(RoundArea.objects.filter(round=round).values_list("area__path", flat=True))

    # -- before the transaction: read-only checks and look-ups -----------------------------------
    def prepare(self) -> None:
        round = Round.objects.only("status", "closed_at").get(pk=self.round.pk)
        for scan in self.scans:
            try:
                self._check_shape(scan, round)
            except _Refusal as refusal:
                scan.outcome = ScanOutcome(str(scan.raw.client_id), REFUSED, refusal.code, refusal.message)
        self._load_points()
        self._resolve_people()

    def _check_shape(self, scan: _Scan, round: Round) -> None:
        raw = scan.raw
        try:
            scan.client_id = raw.client_id if isinstance(raw.client_id, uuid.UUID) else uuid.UUID(str(raw.client_id))
        except ValueError:
            raise _Refusal("invalid", _("The scan has no valid id.")) from None
        if raw.kind not in (SAMPLE, CLOSE):
            raise _Refusal("invalid", _("Unknown kind of scan: %(k)s.") % {"k": str(raw.kind)[:20]})
        try:
            scan.tube_code = normalise_tube_code(raw.tube_code)
        except ValidationError as exc:
            raise _Refusal("tube_code", exc.messages[0]) from None
        scanned_at = raw.scanned_at or self.now
        if timezone.is_naive(scanned_at):
            raise _Refusal("invalid", _("The scan time must carry a time zone."))
        scan.scanned_at = min(scanned_at, self.now) if scanned_at <= self.now + _CLOCK_SLACK else self.now
        if round.status == RoundStatus.PLANNED or (
            round.status == RoundStatus.CLOSED and round.closed_at and scan.scanned_at > round.closed_at
        ):
            raise _Refusal("round_not_open", _("%(round)s is not open for sampling.") % {"round": self.round.name})
        if raw.kind == SAMPLE:
            refs = sum(bool(x) for x in (raw.person_code, raw.person_id, raw.id_number))
            if refs != 1:
                raise _Refusal("invalid", _("Scan one person: a personal code, an ID number or a person from the list."))
            if not raw.door_to_door and not raw.point_id:
                raise _Refusal("invalid", _("Say where the sample is taken: a sampling point or door to door."))

    def _load_points(self) -> None:
        ids = {s.raw.point_id for s in self.scans if s.outcome is None and s.raw.point_id and not s.raw.door_to_door}
        points = {p.pk: p for p in SamplingPoint.objects.filter(pk__in=ids).select_related("compound")}
        for scan in self.scans:
            if scan.outcome is not None or scan.raw.kind != SAMPLE or scan.raw.door_to_door:
                continue
            point = points.get(scan.raw.point_id)
            if point is None or not is_within(point.compound.path, self.sample_paths):
                scan.outcome = self._refused(scan, "not_allowed", _("You may not register samples at this point."))
            elif not (is_within(point.compound.path, [self.round.area.path]) or self.round.area.path.startswith(point.compound.path)):
                scan.outcome = self._refused(scan, "not_allowed", _("%(point)s does not serve %(round)s.") % {
                    "point": point.name, "round": self.round.name})
            else:
                scan.point = point

    def _resolve_people(self) -> None:
        by_code: dict[str, list[_Scan]] = {}
        by_hash: dict[str, list[_Scan]] = {}
        by_pk: dict[int, list[_Scan]] = {}
        for scan in self.scans:
            if scan.outcome is not None or scan.raw.kind != SAMPLE:
                continue
            raw = scan.raw
            if raw.person_code:
                try:
                    by_code.setdefault(codes.code_from_payload(raw.person_code), []).append(scan)
                except ValidationError as exc:
                    scan.outcome = self._refused(scan, "code_invalid", exc.messages[0])
            elif raw.id_number:
                number, problem = _id_number(raw.id_number)
                if problem:
                    scan.outcome = self._refused(scan, "id_number", problem)
                else:
                    by_hash.setdefault(crypto.lookup_hash(number), []).append(scan)
            else:
                try:
                    by_pk.setdefault(int(raw.person_id), []).append(scan)
                except (TypeError, ValueError):
                    scan.outcome = self._refused(scan, "invalid", _("The person id is not a number."))
        if by_code:
            found = PersonalCode.objects.filter(code__in=list(by_code), revoked_at__isnull=True).values_list("pk", "code", "kind", "person_id")
            families = {}
            for pk, code, kind, person_id in found:
                if kind == CodeKind.PERSON:
                    for scan in by_code[code]:
                        scan.people = [person_id]
                else:
                    families[pk] = code
            if families:
                members: dict[int, list[int]] = {}
                for code_id, person_id in PersonalCode.members.through.objects.filter(personalcode_id__in=list(families)).values_list(
                    "personalcode_id", "person_id"
                ).order_by("personalcode_id", "person_id"):
                    members.setdefault(code_id, []).append(person_id)
                for code_id, code in families.items():
                    for scan in by_code[code]:
                        scan.people, scan.family = members.get(code_id, []), True
        if by_hash:
            for pk, digest in Person.objects.filter(id_hash__in=list(by_hash)).values_list("pk", "id_hash"):
                for scan in by_hash[digest]:
                    scan.people = [pk]
        if by_pk:
            for pk in Person.objects.filter(pk__in=list(by_pk)).values_list("pk", flat=True):
                for scan in by_pk[pk]:
                    scan.people = [pk]
        wanted = {pk for scan in self.scans for pk in scan.people}
        self._load_people(wanted)
        for scan in self.scans:
            if scan.outcome is not None or scan.raw.kind != SAMPLE:
                continue
            # A merged record scans as the record it was merged into.
            scan.people = [self.merged.get(pk, pk) for pk in scan.people if self.merged.get(pk, pk) in self.people]
            if scan.raw.person_id and scan.people:
                # Picking a person from a list is for one's own lists only; codes and ID cards are shown in person.
                if not is_within(self.people[scan.people[0]].home_path, self.sample_paths):
                    scan.people = []
            if not scan.people:
                scan.outcome = self._refused(scan, "person_unknown", _("No one registered has this code or ID number."))
            elif scan.raw.door_to_door:
                homes = [self.people[pk].home_path for pk in scan.people]
                if not all(p and is_within(p, self.sample_paths) for p in homes):
                    scan.outcome = self._refused(scan, "not_allowed", _("You may not register samples at this door."))

    def _load_people(self, wanted: set[int]) -> None:
        self.merged: dict[int, int] = {}
        rows = list(Person.objects.filter(pk__in=wanted).values_list("pk", "name", "merged_into_id"))
        targets = {m for _pk, _name, m in rows if m}
        while targets:
            more = list(Person.objects.filter(pk__in=targets).values_list("pk", "name", "merged_into_id"))
            rows += more
            targets = {m for _pk, _name, m in more if m} - {r[0] for r in rows}
        merged_into = {pk: m for pk, _name, m in rows if m}
        for pk in merged_into:
            final = pk
            while final in merged_into:
                final = merged_into[final]
            self.merged[pk] = final
        self.people = {pk: _Person(pk, name) for pk, name, m in rows if not m}
        for person_id, home_id, path in Residence.objects.filter(person_id__in=list(self.people), is_current=True).values_list(
            "person_id", "household_id", "household__path"
        ):
            self.people[person_id].home_id = home_id
            self.people[person_id].home_path = path

    # -- in the transaction ------------------------------------------------------------------------
    def write(self) -> list[ScanOutcome]:
        live_scans = [s for s in self.scans if s.outcome is None]
        sample_ids = {}
        for scan in live_scans:
            if scan.raw.kind == SAMPLE:
                for pk in scan.people:
                    sample_ids[(scan.index, pk)] = family_sample_id(scan.client_id, pk) if scan.family else scan.client_id
        existing = {
            row[0]: row for row in Sample.objects.filter(pk__in=list(sample_ids.values())).values_list(
                "pk", "person_id", "purpose", "tube__code", "tube__capacity", "tube__filled", "tube__status",
                "tube__per_household", "tube__for_resample")
        } if sample_ids else {}
        codes_wanted = {s.tube_code for s in live_scans}
        tubes = self._lock_tubes(codes_wanted)
        person_ids = {pk for s in live_scans for pk in s.people}
        live_samples = self._live_samples(person_ids)
        open_tasks = dict(
            ResampleTask.objects.filter(round=self.round, person_id__in=list(person_ids), status=ResampleTask.Status.OPEN)
            .values_list("person_id", "pk")
        ) if person_ids else {}
        rules = RoundRules(self.round)
        rules.load_risks({self.people[pk].home_path for pk in person_ids} | {s.point.compound.path for s in live_scans if s.point})
        self.labels = door_labels(household_ids={self.people[pk].home_id for pk in person_ids if self.people[pk].home_id}
                                  | {t.household_id for t in tubes.values() if t.household_id})

        new_samples: list[tuple] = []
        tasks_done: list[tuple[int, uuid.UUID]] = []
        for scan in live_scans:
            if scan.raw.kind == CLOSE:
                scan.outcome = self._close(scan, tubes)
                continue
            outcome = ScanOutcome(str(scan.client_id), STORED)
            for pk in scan.people:
                sample_id = sample_ids[(scan.index, pk)]
                person = self.people[pk]
                shown = self._person_outcome(person, sample_id)
                outcome.people.append(shown)
                if sample_id in existing:
                    row = existing[sample_id]
                    shown.status, shown.purpose = DUPLICATE, row[2]
                    outcome.tube = TubeState(row[3], row[4], row[5], row[6], row[7], row[8])
                    continue
                try:
                    tube, purpose = self._place(scan, person, tubes, live_samples, open_tasks, rules)
                except _Refusal as refusal:
                    shown.status, shown.code, shown.message = REFUSED, refusal.code, refusal.message
                    if scan.tube_code in tubes:
                        outcome.tube = tubes[scan.tube_code].state()
                    continue
                shown.purpose = purpose
                shown.out_of_scope = not (person.home_path and is_within(person.home_path, self.round_paths))
                tube.filled += 1
                tube.added += 1
                if tube.filled >= tube.capacity:
                    tube.status, tube.closed_at, tube.closed_now = TubeStatus.CLOSED, scan.scanned_at, True
                outcome.tube = tube.state()
                live_samples[(pk, purpose)] = (tube.code, scan.point.name if scan.point else "", scan.raw.door_to_door, scan.scanned_at)
                if purpose == SamplePurpose.RESAMPLE:
                    tasks_done.append((open_tasks.pop(pk), sample_id))
                new_samples.append((sample_id, tube, person, purpose, shown.out_of_scope, scan))
            self._sum_up(outcome)
            scan.outcome = outcome
        self._store(tubes, new_samples, tasks_done)
        outcomes = [scan.outcome for scan in self.scans]
        self._audit(outcomes, tubes)
        return outcomes

    def _lock_tubes(self, codes_wanted: set[str]) -> dict[str, _Tube]:
        queryset = Tube.objects.filter(code__in=list(codes_wanted))
        if connection.features.has_select_for_update:
            queryset = queryset.select_for_update()
        tubes = {}
        for row in queryset.values_list(
            "pk", "code", "round_id", "capacity", "per_household", "household_id", "filled", "status", "for_resample", "area_path"
        ):
            tubes[row[1]] = _Tube(id=row[0], code=row[1], round_id=row[2], capacity=row[3], per_household=row[4],
                                  household_id=row[5], filled=row[6], status=row[7], for_resample=row[8], area_path=row[9])
        return tubes

    def _live_samples(self, person_ids: set[int]) -> dict[tuple[int, str], tuple]:
        if not person_ids:
            return {}
        rows = Sample.objects.filter(round=self.round, person_id__in=list(person_ids), state__in=LIVE_STATES).values_list(
            "person_id", "purpose", "tube__code", "point__name", "door_to_door", "scanned_at"
        )
        return {(pk, purpose): (tube, point or "", door, at) for pk, purpose, tube, point, door, at in rows}

    def _person_outcome(self, person: _Person, sample_id: uuid.UUID) -> PersonOutcome:
        visible = person.home_path and is_within(person.home_path, self.ledger_paths)
        return PersonOutcome(
            sample_id=str(sample_id), status=STORED, person_id=person.pk,
            name=person.name if visible else mask_name(person.name),
            door=self.labels.get(person.home_id, "") if visible else "",
        )

    def _place(self, scan: _Scan, person: _Person, tubes: dict[str, _Tube], live_samples, open_tasks, rules) -> tuple[_Tube, str]:
        """The tube this person goes into and why (screening or re-sample), or a refusal."""
        purpose = SamplePurpose.RESAMPLE if person.pk in open_tasks else SamplePurpose.SCREENING
        if (person.pk, purpose) in live_samples:
            tube_code, point, door, at = live_samples[(person.pk, purpose)]
            where = _("door to door") if door else point
            raise _Refusal("already_sampled", _(
                "%(name)s was already sampled in this round: tube %(tube)s, %(where)s, %(time)s."
            ) % {"name": mask_name(person.name), "tube": tube_code, "where": where,
                 "time": timezone.localtime(at).strftime("%H:%M")})
        place_path = person.home_path or (scan.point.compound.path if scan.point else "")
        pooling = rules.for_path(place_path)
        tube = tubes.get(scan.tube_code)
        if tube is None:
            single = purpose == SamplePurpose.RESAMPLE
            tube = _Tube(
                code=scan.tube_code, round_id=self.round.pk, capacity=1 if single else pooling.capacity,
                per_household=pooling.per_household and not single,
                household_id=person.home_id if pooling.per_household and not single else None,
                filled=0, status=TubeStatus.OPEN, for_resample=single,
                area_path=(scan.point.compound.path if scan.point else person.home_path),
                point_id=scan.point.pk if scan.point else None, desk=scan.raw.desk if scan.point else None,
                door_to_door=scan.raw.door_to_door, opened_at=scan.scanned_at,
            )
            tubes[tube.code] = tube
            return tube, purpose
        if tube.round_id != self.round.pk:
            raise _Refusal("tube_used", _("Tube code %(tube)s was already used in another round. Take a new tube.") % {
                "tube": tube.code})
        if tube.status != TubeStatus.OPEN:
            if tube.filled >= tube.capacity:
                raise _Refusal("tube_full", _("Tube %(tube)s is full (%(n)d of %(n)d). Scan a new tube.") % {
                    "tube": tube.code, "n": tube.capacity})
            raise _Refusal("tube_closed", _("Tube %(tube)s is closed. Scan a new tube.") % {"tube": tube.code})
        if purpose == SamplePurpose.RESAMPLE and tube.capacity != 1:
            raise _Refusal("needs_single_tube", _(
                "%(name)s is waiting for a single-tube re-sample: use a new tube for them alone.") % {"name": mask_name(person.name)})
        if purpose == SamplePurpose.SCREENING and tube.for_resample:
            raise _Refusal("resample_tube", _("Tube %(tube)s is kept for a re-sample. Scan a new tube.") % {"tube": tube.code})
        if tube.per_household and tube.household_id != person.home_id:
            raise _Refusal("other_household", _(
                "Tube %(tube)s is for one household (%(door)s). Scan a new tube for %(name)s.") % {
                "tube": tube.code, "door": self.labels.get(tube.household_id, ""), "name": mask_name(person.name)})
        if purpose == SamplePurpose.SCREENING:
            if pooling.per_household and not tube.per_household:
                raise _Refusal("needs_household_tube", _(
                    "%(name)s lives in a %(risk)s area: one tube per household there. Use a new tube.") % {
                    "name": mask_name(person.name), "risk": RiskStatus(pooling.risk).label.lower()})
            if pooling.capacity < tube.capacity:
                raise _Refusal("needs_smaller_tube", _(
                    "%(name)s lives in a %(risk)s area: %(n)d to a tube there, this tube takes %(m)d. Use a new tube.") % {
                    "name": mask_name(person.name), "risk": RiskStatus(pooling.risk).label.lower(),
                    "n": pooling.capacity, "m": tube.capacity})
        if tube.filled >= tube.capacity:
            raise _Refusal("tube_full", _("Tube %(tube)s is full (%(n)d of %(n)d). Scan a new tube.") % {
                "tube": tube.code, "n": tube.capacity})
        return tube, purpose

    def _close(self, scan: _Scan, tubes: dict[str, _Tube]) -> ScanOutcome:
        tube = tubes.get(scan.tube_code)
        if tube is None or tube.round_id != self.round.pk:
            return self._refused(scan, "tube_unknown", _("No tube %(tube)s has been filled in this round.") % {"tube": scan.tube_code})
        if not is_within(tube.area_path, self.sample_paths):
            return self._refused(scan, "not_allowed", _("You may not close this tube."))
        if tube.status == TubeStatus.OPEN:
            tube.status, tube.closed_at, tube.closed_now = TubeStatus.CLOSED, scan.scanned_at, True
        return ScanOutcome(str(scan.client_id), STORED, tube=tube.state())

    def _refused(self, scan: _Scan, code: str, message: str) -> ScanOutcome:
        return ScanOutcome(str(scan.raw.client_id), REFUSED, code, message)

    @staticmethod
    def _sum_up(outcome: ScanOutcome) -> None:
        statuses = {p.status for p in outcome.people}
        if STORED in statuses:
            outcome.status = STORED
        elif statuses == {DUPLICATE}:
            outcome.status = DUPLICATE
        else:
            outcome.status = REFUSED
        refused = [p for p in outcome.people if p.status == REFUSED]
        if refused:
            outcome.code = refused[0].code
            outcome.message = " ".join(p.message for p in refused)

    def _store(self, tubes: dict[str, _Tube], new_samples: list[tuple], tasks_done: list[tuple[int, uuid.UUID]]) -> None:
        fresh = [t for t in tubes.values() if t.id is None]
        if fresh:
            columns = ("round_id", "code", "capacity", "per_household", "household_id", "filled", "status", "for_resample",
                       "point_id", "desk", "door_to_door", "area_path", "opened_by_id", "opened_at", "closed_at", "result")
            rows = [(t.round_id, t.code, t.capacity, t.per_household, t.household_id, t.filled, t.status, t.for_resample,
                     t.point_id, t.desk, t.door_to_door, t.area_path, _user_id(self.user), t.opened_at, t.closed_at, "pending")
                    for t in fresh]
            inserted = dict((code, pk) for pk, code in insert_returning(Tube, columns, rows, returning=("id", "code")))
            if len(inserted) != len(fresh):
                raise _Race
            for tube in fresh:
                tube.id = inserted[tube.code]
        changed = [t for t in tubes.values() if t.id is not None and t not in fresh and (t.added or t.closed_now)]
        if changed:
            _update_tubes(changed)
        if new_samples:
            columns = ("id", "round_id", "person_id", "tube_id", "purpose", "state", "household_id", "household_path",
                       "out_of_scope", "door_to_door", "point_id", "desk", "scanned_at", "stored_at", "collected_by_id")
            rows = [
                (sample_id, self.round.pk, person.pk, tube.id, purpose, SampleState.PENDING, person.home_id, person.home_path,
                 out_of_scope, scan.raw.door_to_door, scan.point.pk if scan.point else None,
                 scan.raw.desk if scan.point else None, scan.scanned_at, self.now, _user_id(self.user))
                for sample_id, tube, person, purpose, out_of_scope, scan in new_samples
            ]
            if len(insert_returning(Sample, columns, rows)) != len(rows):
                raise _Race
        for task_id, sample_id in tasks_done:
            ResampleTask.objects.filter(pk=task_id, status=ResampleTask.Status.OPEN).update(
                status=ResampleTask.Status.DONE, resample_id=sample_id, done_at=self.now)

    def _audit(self, outcomes: list[ScanOutcome], tubes: dict[str, _Tube]) -> None:
        counts = {STORED: 0, DUPLICATE: 0, REFUSED: 0}
        for outcome in outcomes:
            counts[outcome.status] += 1
        if not counts[STORED]:
            return
        audit_record(
            actor=self.user, action="testing.scans", target=self.round, area_path=self.round.area.path,
            changes={"scans": len(outcomes), **counts,
                     "samples": sum(1 for o in outcomes for p in o.people if p.status == STORED),
                     "tubes_closed": sum(1 for t in tubes.values() if t.closed_now)},
        )


def _user_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _id_number(raw: str) -> tuple[str, str]:
    """(the normalised number, "") or ("", why it is not an ID number). A resident ID's number is
    only ever read as one, so a typo in it is told, not taken for a passport."""
    compact = re.sub(r"[\s\-]", "", fold(raw)).upper()
    types = (IdType.RESIDENT_ID,) if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact) else (IdType.RESIDENT_ID, IdType.PASSPORT)
    message = _("This is not a valid ID number.")
    for id_type in types:
        try:
            return normalise_id_number(id_type, compact), ""
        except ValidationError as exc:
            if len(types) == 1:
                message = exc.messages[0]
    return "", message


def _update_tubes(tubes: list[_Tube]) -> None:
    """Add each tube's new samples to its count (and close it) in one statement on PostgreSQL."""
    table = Tube._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET filled = t.filled + v.added, status = v.status, "  # noqa: S608
                "closed_at = COALESCE(t.closed_at, v.closed_at) "
                "FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::timestamptz[]) AS v(id, added, status, closed_at) "
                "WHERE t.id = v.id",
                [[t.id for t in tubes], [t.added for t in tubes], [t.status for t in tubes], [t.closed_at for t in tubes]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET filled = filled + %s, status = %s, closed_at = COALESCE(closed_at, %s) WHERE id = %s",  # noqa: S608
                [(t.added, t.status, Tube._meta.get_field("closed_at").get_db_prep_value(t.closed_at, connection), t.id)
                 for t in tubes],
            )


def tube_close(*, acting_user, round: Round, tube_code: str, client_id: str | uuid.UUID | None = None) -> ScanOutcome:
    """Close a tube before it is full (the end of a family, a unit, the day)."""
    return scans_record(acting_user=acting_user, round=round,
                        scans=[ScanIn(client_id=client_id or uuid.uuid4(), kind=CLOSE, tube_code=tube_code)])[0]
