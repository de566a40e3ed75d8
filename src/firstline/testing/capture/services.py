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
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, UUIDField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_paths
from firstline.areas.models import Area, AreaKind, RiskStatus
from firstline.areas.selectors import door_labels, label_of_door
from firstline.common import crypto
from firstline.common.audit import audit_record
from firstline.common.bulk import in_sql, in_values, insert_returning
from firstline.common.errors import Conflict
from firstline.common.identity import fold, mask_id_number, mask_name, read_id_number
from firstline.common.paths import is_within
from firstline.people.models import Person, Residence
from firstline.people.selectors import id_number_holders
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
from firstline.testing.rounds.rules import RoundRules
from firstline.testing.states import TUBE_CODE_PATTERN, TUBE_CODE_RULE, ScanRefusal, ScanStatus

MAX_BATCH = 10_000
SAMPLE, CLOSE = "sample", "close"
STORED, DUPLICATE, REFUSED = ScanStatus.STORED, ScanStatus.DUPLICATE, ScanStatus.REFUSED
# The scan's id was already used for a different scan (another person or tube): nothing is stored,
# and the device keeps the scan to send again under a new id (ADR 0005).
CONFLICT = ScanStatus.CONFLICT
_CODE = re.compile(r"^[0-9A-Z][0-9A-Z\-]{3,39}$")
_TUBE_CODE = re.compile(TUBE_CODE_PATTERN)
_ID_LIKE = re.compile(r"^(\d{17}[\dX]|\d{15})$")
# How far a device's clock may be ahead of the server's; a scan dated later is refused, never redated.
CLOCK_SLACK = dt.timedelta(minutes=10)
# A scan may be dated this long before the round's day starts or after it was closed (a desk that was
# offline uploads later, but keeps the time of the swab).
WINDOW_SLACK = dt.timedelta(hours=12)


def _is_id_number(value: str) -> bool:
    """A valid resident ID number (scanned into the tube field by mistake): never kept as a code."""
    return bool(_ID_LIKE.match(value)) and read_id_number(value)[0] != ""


def code_shown(raw) -> str:
    """A scanned code as it may be shown or kept in a report: an ID number only ever masked."""
    value = re.sub(r"\s+", "", fold(str(raw or ""))).upper()[:40]
    return mask_id_number(value) if _is_id_number(value) else value


def normalise_code(raw: str) -> str:
    """'ｔｇ 0012-34 ' -> 'TG0012-34': a code already printed on a tube or a box, as the boxes and the
    lab read it (4 to 40 letters, digits or dashes); ValidationError if it cannot be a barcode."""
    value = re.sub(r"\s+", "", fold(raw or "")).upper()
    if _is_id_number(value):
        raise ValidationError(
            _("This is an ID number, not a tube code. Scan the tube's barcode."), code="id_number"
        )
    if not _CODE.match(value):
        raise ValidationError(
            _("'%(code)s' is not a tube code: 4 to 40 letters, digits or dashes.") % {"code": value[:40]},
            code="tube_code",
        )
    return value


def normalise_tube_code(raw: str) -> str:
    """A tube code scanned to fill a tube: the shape of a tube's barcode (`states.TUBE_CODE_PATTERN`,
    the same rule a capture page applies), so that a word or a mistyped personal code never opens a
    tube; ValidationError otherwise."""
    value = normalise_code(raw)
    if not _TUBE_CODE.match(value):
        raise ValidationError(
            _("'%(code)s' is not a tube code: %(rule)s.") % {"code": value[:40], "rule": TUBE_CODE_RULE},
            code="tube_code",
        )
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
    status: ScanStatus
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
    status: ScanStatus
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
        return TubeState(
            self.code, self.capacity, self.filled, self.status, self.per_household, self.for_resample
        )


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
    point: SimpleNamespace | None = None  # pk, name, compound.path
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
        # The pooling of each place, worked out once per batch (the rules do not change within it).
        self._pooling: dict[str, object] = {}
        self.sample_paths = scope_paths(acting_user, Perm.TESTING_SAMPLE)
        self.ledger_paths = scope_paths(acting_user, Perm.LEDGER_VIEW)
        self.round_paths: list[str] = []
        self.home_labels: dict[int, str] = {}

    # -- before the transaction: read-only checks and look-ups -----------------------------------
    def prepare(self) -> None:
        # The round's status and its areas, in one query.
        rows = _rows(
            f"SELECT r.status, r.closed_at, a.path, r.date, r.starts_at, r.ends_at FROM "
            f"{Round._meta.db_table} r "  # noqa: S608
            f"LEFT JOIN {RoundArea._meta.db_table} ra ON ra.round_id = r.id LEFT JOIN {Area._meta.db_table} "
            f"a ON a.id = ra.area_id "
            "WHERE r.id = %s",
            [self.round.pk],
        )
        if not rows:
            raise Round.DoesNotExist("Round matching query does not exist.")
        round = SimpleNamespace(
            status=rows[0][0],
            closed_at=_datetime(rows[0][1]),
            date=_date(rows[0][3]),
            starts_at=_datetime(rows[0][4]),
            ends_at=_datetime(rows[0][5]),
        )
        self.round_paths = [row[2] for row in rows if row[2] is not None]
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
            scan.client_id = (
                raw.client_id if isinstance(raw.client_id, uuid.UUID) else uuid.UUID(str(raw.client_id))
            )
        except ValueError:
            raise _Refusal(ScanRefusal.INVALID, _("The scan has no valid id.")) from None
        if raw.kind not in (SAMPLE, CLOSE):
            raise _Refusal(ScanRefusal.INVALID, _("Unknown kind of scan: %(k)s.") % {"k": str(raw.kind)[:20]})
        try:
            scan.tube_code = normalise_tube_code(raw.tube_code)
        except ValidationError as exc:
            raise _Refusal(ScanRefusal.TUBE_CODE, exc.messages[0]) from None
        scanned_at = raw.scanned_at or self.now
        if timezone.is_naive(scanned_at):
            raise _Refusal(ScanRefusal.INVALID, _("The scan time must carry a time zone."))
        self._check_time(scanned_at, round)
        scan.scanned_at = scanned_at
        if round.status == RoundStatus.PLANNED or (
            round.status == RoundStatus.CLOSED and round.closed_at and scan.scanned_at > round.closed_at
        ):
            raise _Refusal(
                ScanRefusal.ROUND_NOT_OPEN,
                _("%(round)s is not open for sampling.") % {"round": self.round.name},
            )
        if raw.kind == SAMPLE:
            refs = sum(bool(x) for x in (raw.person_code, raw.person_id, raw.id_number))
            if refs != 1:
                raise _Refusal(
                    ScanRefusal.INVALID,
                    _("Scan one person: a personal code, an ID number or a person from the list."),
                )
            if not raw.door_to_door and not raw.point_id:
                raise _Refusal(
                    ScanRefusal.INVALID, _("Say where the sample is taken: a sampling point or door to door.")
                )

    def _check_time(self, scanned_at: dt.datetime, round) -> None:
        """A scan keeps the time the device gave it, or is refused saying why: later than now (beyond
        a clock's drift), before the round's start or after its closing (each with WINDOW_SLACK)."""
        if scanned_at > self.now + CLOCK_SLACK:
            raise _Refusal(
                ScanRefusal.SCAN_TIME,
                _(
                    "The scan is dated %(at)s, later than now: check the device's clock and date, then send "
                    "it again."
                )
                % {"at": timezone.localtime(scanned_at).strftime("%Y-%m-%d %H:%M")},
            )
        starts = round.starts_at or timezone.make_aware(dt.datetime.combine(round.date, dt.time.min))
        ends = round.closed_at  # an open round takes scans until it is closed, whatever its planned end
        if scanned_at < starts - WINDOW_SLACK or (ends is not None and scanned_at > ends + WINDOW_SLACK):
            raise _Refusal(
                ScanRefusal.SCAN_TIME,
                _(
                    "The scan is dated %(at)s, outside %(round)s (%(from)s to %(to)s): check the device's "
                    "clock and date."
                )
                % {
                    "at": timezone.localtime(scanned_at).strftime("%Y-%m-%d %H:%M"),
                    "round": self.round.name,
                    "from": timezone.localtime(starts).strftime("%Y-%m-%d %H:%M"),
                    "to": timezone.localtime(ends).strftime("%Y-%m-%d %H:%M") if ends else _("its end"),
                },
            )

    def _load_points(self) -> None:
        ids = {
            s.raw.point_id
            for s in self.scans
            if s.outcome is None and s.raw.point_id and not s.raw.door_to_door
        }
        # Plain values, not model instances: a point's id, name and compound path are all a scan needs.
        rows = []
        if ids:
            where, params = in_sql("p.id", SamplingPoint, "id", ids)
            rows = _rows(
                f"SELECT p.id, p.name, c.path FROM {SamplingPoint._meta.db_table} p "  # noqa: S608
                f"JOIN {Area._meta.db_table} c ON c.id = p.compound_id WHERE {where}",
                params,
            )
        points = {
            pk: SimpleNamespace(pk=pk, name=name, compound=SimpleNamespace(path=path))
            for pk, name, path in rows
        }
        for scan in self.scans:
            if scan.outcome is not None or scan.raw.kind != SAMPLE or scan.raw.door_to_door:
                continue
            point = points.get(scan.raw.point_id)
            if point is None or not is_within(point.compound.path, self.sample_paths):
                scan.outcome = self._refused(
                    scan, ScanRefusal.NOT_ALLOWED, _("You may not register samples at this point.")
                )
            elif not (
                is_within(point.compound.path, [self.round.area.path])
                or self.round.area.path.startswith(point.compound.path)
            ):
                scan.outcome = self._refused(
                    scan,
                    ScanRefusal.NOT_ALLOWED,
                    _("%(point)s does not serve %(round)s.")
                    % {"point": point.name, "round": self.round.name},
                )
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
                    scan.outcome = self._refused(scan, ScanRefusal.CODE_INVALID, exc.messages[0])
            elif raw.id_number:
                number, problem = read_id_number(raw.id_number)
                if problem:
                    scan.outcome = self._refused(scan, ScanRefusal.ID_NUMBER, problem)
                else:
                    by_hash.setdefault(crypto.lookup_hash(number), []).append(scan)
            else:
                try:
                    by_pk.setdefault(int(raw.person_id), []).append(scan)
                except (TypeError, ValueError):
                    scan.outcome = self._refused(
                        scan, ScanRefusal.INVALID, _("The person id is not a number.")
                    )
        if by_code:
            where, params = in_sql("code", PersonalCode, "code", by_code)
            found = _rows(
                f"SELECT id, code, kind, person_id FROM {PersonalCode._meta.db_table} "  # noqa: S608
                f"WHERE {where} AND revoked_at IS NULL",
                params,
            )
            families = {}
            for pk, code, kind, person_id in found:
                if kind == CodeKind.PERSON:
                    for scan in by_code[code]:
                        scan.people = [person_id]
                else:
                    families[pk] = code
            if families:
                members: dict[int, list[int]] = {}
                for code_id, person_id in (
                    PersonalCode.members.through.objects.filter(personalcode_id__in=list(families))
                    .values_list("personalcode_id", "person_id")
                    .order_by("personalcode_id", "person_id")
                ):
                    members.setdefault(code_id, []).append(person_id)
                for code_id, code in families.items():
                    for scan in by_code[code]:
                        scan.people, scan.family = members.get(code_id, []), True
        if by_hash:
            # The registered record, then any record holding the number for review (ADR 0008).
            for digest, pks in id_number_holders(digests=by_hash).items():
                for scan in by_hash[digest]:
                    scan.people = pks
        if by_pk:
            for pk in Person.objects.filter(pk__in=in_values(Person, "id", by_pk)).values_list(
                "pk", flat=True
            ):
                for scan in by_pk[pk]:
                    scan.people = [pk]
        wanted = {pk for scan in self.scans for pk in scan.people}
        self._load_people(wanted)
        for scan in self.scans:
            if scan.outcome is not None or scan.raw.kind != SAMPLE:
                continue
            # A merged record scans as the record it was merged into.
            scan.people = [
                self.merged.get(pk, pk) for pk in scan.people if self.merged.get(pk, pk) in self.people
            ]
            # Someone living outside the areas where the user samples is answered exactly as no one
            # (ADR 0008): an ID number can be typed by anyone, an id picked from any list. A personal
            # code shown at a sampling point is the exception: it cannot be guessed, so it tells no
            # more than its bearer shows, and they are sampled there and flagged as from outside.
            if not (scan.raw.person_code and not scan.raw.door_to_door):
                scan.people = [
                    pk for pk in scan.people if is_within(self.people[pk].home_path, self.sample_paths)
                ]
            if not scan.family:
                scan.people = scan.people[:1]
            if not scan.people:
                scan.outcome = self._refused(
                    scan, ScanRefusal.PERSON_UNKNOWN, _("No one registered has this code or ID number.")
                )

    def _load_people(self, wanted: set[int]) -> None:
        self.merged: dict[int, int] = {}
        rows = _people_with_homes(wanted)
        targets = {row[2] for row in rows if row[2]}
        while targets:
            more = _people_with_homes(targets)
            rows += more
            targets = {row[2] for row in more if row[2]} - {r[0] for r in rows}
        merged_into = {row[0]: row[2] for row in rows if row[2]}
        for pk in merged_into:
            final = pk
            while final in merged_into:
                final = merged_into[final]
            self.merged[pk] = final
        self.people = {row[0]: _Person(row[0], row[1], row[3], row[4] or "") for row in rows if not row[2]}
        self.home_labels = {row[3]: label for row in rows if row[3] and (label := _home_label(row))}

    # -- in the transaction ------------------------------------------------------------------------
    def write(self) -> list[ScanOutcome]:
        live_scans = [s for s in self.scans if s.outcome is None]
        sample_ids = {}
        for scan in live_scans:
            if scan.raw.kind == SAMPLE:
                for pk in scan.people:
                    sample_ids[(scan.index, pk)] = (
                        family_sample_id(scan.client_id, pk) if scan.family else scan.client_id
                    )
        codes_wanted = {s.tube_code for s in live_scans}
        tubes = self._lock_tubes(codes_wanted)
        person_ids = {pk for s in live_scans for pk in s.people}
        existing, live_samples = self._known_samples(set(sample_ids.values()), person_ids)
        open_tasks = dict(self._open_tasks(person_ids)) if person_ids else {}
        rules = RoundRules(self.round)
        rules.load_risks(
            {self.people[pk].home_path for pk in person_ids}
            | {s.point.compound.path for s in live_scans if s.point}
        )
        doors = {self.people[pk].home_id for pk in person_ids if self.people[pk].home_id} | {
            t.household_id for t in tubes.values() if t.household_id
        }
        self.labels = {pk: self.home_labels[pk] for pk in doors if pk in self.home_labels}
        if doors - self.labels.keys():
            self.labels.update(door_labels(household_ids=doors - self.labels.keys()))

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
                    if (row[1], row[3], row[9]) != (pk, scan.tube_code, self.round.pk):
                        # The id names another scan: answering "duplicate" would let the device drop
                        # a swab that was never stored.
                        shown.status, shown.code, shown.message = (
                            CONFLICT,
                            ScanRefusal.CLIENT_ID_REUSED,
                            _(
                                "This scan's id was already used for another scan (tube %(tube)s). Nothing "
                                "was stored: "
                                "send it again as a new scan."
                            )
                            % {"tube": row[3]},
                        )
                        continue
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
                live_samples[(pk, purpose)] = (
                    tube.code,
                    scan.point.name if scan.point else "",
                    scan.raw.door_to_door,
                    scan.scanned_at,
                )
                if purpose == SamplePurpose.RESAMPLE:
                    tasks_done.append((open_tasks.pop(pk), sample_id))
                new_samples.append((sample_id, tube, person, purpose, shown.out_of_scope, scan))
            self._sum_up(outcome)
            scan.outcome = outcome
        self._store(tubes, new_samples, tasks_done)
        outcomes = [scan.outcome for scan in self.scans]
        self._audit(outcomes, tubes)
        return outcomes

    # The queries of the transaction are written by hand: for a single scan the ORM spent longer
    # building them than the database answering (bench_testing.py).
    def _open_tasks(self, person_ids: set[int]) -> list[tuple]:
        where, params = in_sql("person_id", ResampleTask, "person_id", person_ids)
        return _rows(
            f"SELECT person_id, id FROM {ResampleTask._meta.db_table} "  # noqa: S608
            f"WHERE round_id = %s AND {where} AND status = %s",
            [self.round.pk, *params, str(ResampleTask.Status.OPEN)],
        )

    def _lock_tubes(self, codes_wanted: set[str]) -> dict[str, _Tube]:
        if not codes_wanted:
            return {}
        where, params = in_sql("code", Tube, "code", codes_wanted)
        # Locked in one order (the model's) by every batch, so two batches never wait on each other in a
        # circle.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        tubes = {}
        for row in _rows(
            "SELECT id, code, round_id, capacity, per_household, household_id, filled, status, "
            "for_resample, area_path "  # noqa: S608
            f"FROM {Tube._meta.db_table} WHERE {where} ORDER BY opened_at, id{lock}",
            params,
        ):
            tubes[row[1]] = _Tube(
                id=row[0],
                code=row[1],
                round_id=row[2],
                capacity=row[3],
                per_household=bool(row[4]),
                household_id=row[5],
                filled=row[6],
                status=row[7],
                for_resample=bool(row[8]),
                area_path=row[9],
            )
        return tubes

    def _known_samples(self, sample_ids: set[uuid.UUID], person_ids: set[int]) -> tuple[dict, dict]:
        """In one query: the samples already stored under these ids (a scan sent again), by id, and
        the live samples of these people in the round, by (person, purpose)."""
        select = (
            "SELECT s.id, s.round_id, s.person_id, s.purpose, s.state, t.code, t.capacity, t.filled, "
            "t.status, "  # noqa: S608
            "t.per_household, t.for_resample, p.name, s.door_to_door, s.scanned_at "
            f"FROM {Sample._meta.db_table} s JOIN {Tube._meta.db_table} t ON t.id = s.tube_id "
            f"LEFT JOIN {SamplingPoint._meta.db_table} p ON p.id = s.point_id WHERE "
        )
        parts, params = [], []
        if sample_ids:
            where, more = in_sql("s.id", Sample, "id", sample_ids)
            parts.append(select + where)
            params += more
        if person_ids:
            where, more = in_sql("s.person_id", Sample, "person_id", person_ids)
            parts.append(
                select
                + f"s.round_id = %s AND {where} AND s.state IN ({', '.join(['%s'] * len(LIVE_STATES))})"
            )
            params += [self.round.pk, *more, *[str(state) for state in LIVE_STATES]]
        if not parts:
            return {}, {}
        existing, live = {}, {}
        for row in _rows(" UNION ALL ".join(parts), params):
            (
                pk,
                round_id,
                person_id,
                purpose,
                state,
                code,
                capacity,
                filled,
                status,
                per_household,
                for_resample,
                point,
                door,
                at,
            ) = row
            pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(pk)
            if pk in sample_ids:
                existing[pk] = (
                    pk,
                    person_id,
                    purpose,
                    code,
                    capacity,
                    filled,
                    status,
                    bool(per_household),
                    bool(for_resample),
                    round_id,
                )
            if round_id == self.round.pk and person_id in person_ids and state in LIVE_STATES:
                live[(person_id, purpose)] = (code, point or "", bool(door), _datetime(at))
        return existing, live

    def _person_outcome(self, person: _Person, sample_id: uuid.UUID) -> PersonOutcome:
        visible = person.home_path and is_within(person.home_path, self.ledger_paths)
        return PersonOutcome(
            sample_id=str(sample_id),
            status=STORED,
            person_id=person.pk,
            name=person.name if visible else mask_name(person.name),
            door=self.labels.get(person.home_id, "") if visible else "",
        )

    def _place(
        self, scan: _Scan, person: _Person, tubes: dict[str, _Tube], live_samples, open_tasks, rules
    ) -> tuple[_Tube, str]:
        """The tube this person goes into and why (screening or re-sample), or a refusal."""
        purpose = SamplePurpose.RESAMPLE if person.pk in open_tasks else SamplePurpose.SCREENING
        if (person.pk, purpose) in live_samples:
            tube_code, point, door, at = live_samples[(person.pk, purpose)]
            where = _("door to door") if door else point
            raise _Refusal(
                ScanRefusal.ALREADY_SAMPLED,
                _("%(name)s was already sampled in this round: tube %(tube)s, %(where)s, %(time)s.")
                % {
                    "name": mask_name(person.name),
                    "tube": tube_code,
                    "where": where,
                    "time": timezone.localtime(at).strftime("%H:%M"),
                },
            )
        place_path = person.home_path or (scan.point.compound.path if scan.point else "")
        pooling = self._pooling.get(place_path)
        if pooling is None:
            pooling = self._pooling[place_path] = rules.for_path(place_path)
        tube = tubes.get(scan.tube_code)
        if tube is None:
            single = purpose == SamplePurpose.RESAMPLE
            tube = _Tube(
                code=scan.tube_code,
                round_id=self.round.pk,
                capacity=1 if single else pooling.capacity,
                per_household=pooling.per_household and not single,
                household_id=person.home_id if pooling.per_household and not single else None,
                filled=0,
                status=TubeStatus.OPEN,
                for_resample=single,
                area_path=(scan.point.compound.path if scan.point else person.home_path),
                point_id=scan.point.pk if scan.point else None,
                desk=scan.raw.desk if scan.point else None,
                door_to_door=scan.raw.door_to_door,
                opened_at=scan.scanned_at,
            )
            tubes[tube.code] = tube
            return tube, purpose
        if tube.round_id != self.round.pk:
            raise _Refusal(
                ScanRefusal.TUBE_USED,
                _("Tube code %(tube)s was already used in another round. Take a new tube.")
                % {"tube": tube.code},
            )
        if tube.status != TubeStatus.OPEN:
            if tube.filled >= tube.capacity:
                raise _Refusal(
                    ScanRefusal.TUBE_FULL,
                    _("Tube %(tube)s is full (%(n)d of %(n)d). Scan a new tube.")
                    % {"tube": tube.code, "n": tube.capacity},
                )
            raise _Refusal(
                ScanRefusal.TUBE_CLOSED, _("Tube %(tube)s is closed. Scan a new tube.") % {"tube": tube.code}
            )
        if purpose == SamplePurpose.RESAMPLE and tube.capacity != 1:
            raise _Refusal(
                ScanRefusal.NEEDS_SINGLE_TUBE,
                _("%(name)s is waiting for a single-tube re-sample: use a new tube for them alone.")
                % {"name": mask_name(person.name)},
            )
        if tube.per_household and tube.household_id != person.home_id:
            raise _Refusal(
                ScanRefusal.OTHER_HOUSEHOLD,
                _("Tube %(tube)s is for one household (%(door)s). Scan a new tube for %(name)s.")
                % {
                    "tube": tube.code,
                    "door": self.labels.get(tube.household_id, ""),
                    "name": mask_name(person.name),
                },
            )
        if purpose == SamplePurpose.SCREENING:
            if pooling.per_household and not tube.per_household:
                raise _Refusal(
                    ScanRefusal.NEEDS_HOUSEHOLD_TUBE,
                    _("%(name)s lives in %(zone)s: one tube per household there. Use a new tube.")
                    % {"name": mask_name(person.name), "zone": _zone(pooling)},
                )
            if pooling.capacity < tube.capacity:
                raise _Refusal(
                    ScanRefusal.NEEDS_SMALLER_TUBE,
                    _(
                        "%(name)s lives in %(zone)s: %(n)d to a tube there, this tube takes %(m)d. Use a "
                        "new tube."
                    )
                    % {
                        "name": mask_name(person.name),
                        "zone": _zone(pooling),
                        "n": pooling.capacity,
                        "m": tube.capacity,
                    },
                )
        # An open tube has room: the scan that fills a tube closes it (and the database refuses overfilling).
        return tube, purpose

    def _close(self, scan: _Scan, tubes: dict[str, _Tube]) -> ScanOutcome:
        tube = tubes.get(scan.tube_code)
        if tube is None or tube.round_id != self.round.pk:
            return self._refused(
                scan,
                ScanRefusal.TUBE_UNKNOWN,
                _("No tube %(tube)s has been filled in this round.") % {"tube": scan.tube_code},
            )
        if not is_within(tube.area_path, self.sample_paths):
            return self._refused(scan, ScanRefusal.NOT_ALLOWED, _("You may not close this tube."))
        if tube.status == TubeStatus.OPEN:
            tube.status, tube.closed_at, tube.closed_now = TubeStatus.CLOSED, scan.scanned_at, True
        return ScanOutcome(str(scan.client_id), STORED, tube=tube.state())

    def _refused(self, scan: _Scan, code: str, message: str) -> ScanOutcome:
        return ScanOutcome(str(scan.raw.client_id), REFUSED, code, message)

    @staticmethod
    def _sum_up(outcome: ScanOutcome) -> None:
        statuses = {p.status for p in outcome.people}
        if CONFLICT in statuses:
            outcome.status = CONFLICT
            conflict = next(p for p in outcome.people if p.status == CONFLICT)
            outcome.code, outcome.message = conflict.code, conflict.message
            return
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

    def _store(
        self, tubes: dict[str, _Tube], new_samples: list[tuple], tasks_done: list[tuple[int, uuid.UUID]]
    ) -> None:
        fresh = [t for t in tubes.values() if t.id is None]
        if fresh:
            columns = (
                "round_id",
                "code",
                "capacity",
                "per_household",
                "household_id",
                "filled",
                "status",
                "for_resample",
                "point_id",
                "desk",
                "door_to_door",
                "area_path",
                "opened_by_id",
                "opened_at",
                "closed_at",
                "result",
            )
            rows = [
                (
                    t.round_id,
                    t.code,
                    t.capacity,
                    t.per_household,
                    t.household_id,
                    t.filled,
                    t.status,
                    t.for_resample,
                    t.point_id,
                    t.desk,
                    t.door_to_door,
                    t.area_path,
                    _user_id(self.user),
                    t.opened_at,
                    t.closed_at,
                    "pending",
                )
                for t in fresh
            ]
            inserted = dict(
                (code, pk) for pk, code in insert_returning(Tube, columns, rows, returning=("id", "code"))
            )
            if len(inserted) != len(fresh):
                raise _Race
            for tube in fresh:
                tube.id = inserted[tube.code]
        fresh_now = {id(t) for t in fresh}
        changed = [
            t
            for t in tubes.values()
            if t.id is not None and id(t) not in fresh_now and (t.added or t.closed_now)
        ]
        if changed:
            _update_tubes(changed)
        if new_samples:
            columns = (
                "id",
                "round_id",
                "person_id",
                "tube_id",
                "purpose",
                "state",
                "household_id",
                "household_path",
                "out_of_scope",
                "door_to_door",
                "point_id",
                "desk",
                "scanned_at",
                "stored_at",
                "collected_by_id",
            )
            rows = [
                (
                    sample_id,
                    self.round.pk,
                    person.pk,
                    tube.id,
                    purpose,
                    SampleState.PENDING,
                    person.home_id,
                    person.home_path,
                    out_of_scope,
                    scan.raw.door_to_door,
                    scan.point.pk if scan.point else None,
                    scan.raw.desk if scan.point else None,
                    scan.scanned_at,
                    self.now,
                    _user_id(self.user),
                )
                for sample_id, tube, person, purpose, out_of_scope, scan in new_samples
            ]
            if len(insert_returning(Sample, columns, rows)) != len(rows):
                raise _Race
        if tasks_done:
            # Every re-sample of the batch marks its task done, in one statement.
            ResampleTask.objects.filter(
                pk__in=[task_id for task_id, _sample in tasks_done], status=ResampleTask.Status.OPEN
            ).update(
                status=ResampleTask.Status.DONE,
                done_at=self.now,
                resample_id=Case(
                    *[When(pk=task_id, then=Value(sample_id)) for task_id, sample_id in tasks_done],
                    output_field=UUIDField(),
                ),
            )

    def _audit(self, outcomes: list[ScanOutcome], tubes: dict[str, _Tube]) -> None:
        counts = {STORED: 0, DUPLICATE: 0, REFUSED: 0, CONFLICT: 0}
        for outcome in outcomes:
            counts[outcome.status] += 1
        if not counts[STORED]:
            return
        audit_record(
            actor=self.user,
            action="testing.scans",
            target=self.round,
            area_path=self.round.area.path,
            changes={
                "scans": len(outcomes),
                **counts,
                "samples": sum(1 for o in outcomes for p in o.people if p.status == STORED),
                "tubes_closed": sum(1 for t in tubes.values() if t.closed_now),
            },
        )


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value) -> dt.date:
    """A date read by hand-written SQL (SQLite gives text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _datetime(value) -> dt.datetime:
    """A timestamp read by hand-written SQL as the ORM would give it (SQLite's is naive, in UTC)."""
    if value is None or (isinstance(value, dt.datetime) and not timezone.is_naive(value)):
        return value
    return connection.ops.convert_datetimefield_value(value, None, connection)


def _people_with_homes(ids) -> list[tuple]:
    """(id, name, merged into, current household id, its path, then what its label is made of) of
    these people, in one query. Written by hand: a single scan runs this for one person, and the ORM
    took several times longer to build the query than the database to answer it."""
    if not ids:
        return []
    where, params = in_sql("p.id", Person, "id", ids)
    sql = (
        "SELECT p.id, p.name, p.merged_into_id, r.household_id, h.path, h.kind, h.door, h.name, u.kind, "
        "u.name, b.name "  # noqa: S608
        f"FROM {Person._meta.db_table} p "
        f"LEFT JOIN {Residence._meta.db_table} r ON r.person_id = p.id AND r.is_current "
        f"LEFT JOIN {Area._meta.db_table} h ON h.id = r.household_id "
        f"LEFT JOIN {Area._meta.db_table} u ON u.id = h.parent_id "
        f"LEFT JOIN {Area._meta.db_table} b ON b.id = u.parent_id "
        f"WHERE {where}"
    )
    return [tuple(row) for row in _rows(sql, params)]


def _home_label(row: tuple) -> str:
    """The label `door_labels` gives the household of a `_people_with_homes` row ("" if it is none)."""
    kind, door, name, parent_kind, parent_name, grandparent_name = row[5:]
    if kind != AreaKind.HOUSEHOLD:
        return ""
    return label_of_door(
        door=door,
        name=name,
        parent_kind=parent_kind,
        parent_name=parent_name,
        grandparent_name=grandparent_name or "",
    )


def _zone(pooling) -> str:
    """Where the person lives, as the refusal names it: the risk zone, or an area given its own rule."""
    if pooling.area_path:
        return _("an area with its own pooling rule")
    return {
        RiskStatus.SEALED: _("a sealed area"),
        RiskStatus.CONTROLLED: _("a controlled area"),
        RiskStatus.PRECAUTION: _("a precaution area"),
        RiskStatus.NORMAL: _("an area without restrictions"),
    }[RiskStatus(pooling.risk)]


def _user_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _update_tubes(tubes: list[_Tube]) -> None:
    """Add each tube's new samples to its count (and close it) in one statement on PostgreSQL."""
    table = Tube._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET filled = t.filled + v.added, status = v.status, "  # noqa: S608
                "closed_at = COALESCE(t.closed_at, v.closed_at) "
                "FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::timestamptz[]) AS v(id, added, "
                "status, closed_at) "
                "WHERE t.id = v.id",
                [
                    [t.id for t in tubes],
                    [t.added for t in tubes],
                    [t.status for t in tubes],
                    [t.closed_at for t in tubes],
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET filled = filled + %s, status = %s, closed_at = COALESCE(closed_at, %s) "
                f"WHERE id = %s",  # noqa: S608
                [
                    (
                        t.added,
                        t.status,
                        Tube._meta.get_field("closed_at").get_db_prep_value(t.closed_at, connection),
                        t.id,
                    )
                    for t in tubes
                ],
            )


def tube_close(
    *, acting_user, round: Round, tube_code: str, client_id: str | uuid.UUID | None = None
) -> ScanOutcome:
    """Close a tube before it is full (the end of a family, a unit, the day)."""
    return scans_record(
        acting_user=acting_user,
        round=round,
        scans=[ScanIn(client_id=client_id or uuid.uuid4(), kind=CLOSE, tube_code=tube_code)],
    )[0]
