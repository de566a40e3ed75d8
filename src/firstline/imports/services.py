"""Importing resident lists: upload (sealed), map the columns, then validate every row and write once.

Phase 1 reads and checks all rows on sets (hash look-ups in chunks) and reports progress with
plain UPDATEs; phase 2 writes every accepted row with bulk inserts inside one transaction, so a
crash leaves nothing half-written (ADR 0004). The report names row, column and reason, and never
holds an ID number in clear. A refusal is for data that is truly wrong (a check digit, a door above
the building's top floor); what only needs a look (an unknown label, a long note cut, a number
read by its shape) stores the person and is listed as a warning.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firstline.accounts.roles import Perm
from firstline.accounts.scope import require
from firstline.areas.models import RURAL_STAIRWELLS, Area, AreaKind
from firstline.areas.services import AreaSpec, areas_bulk_create
from firstline.common import crypto, places
from firstline.common.audit import audit_record
from firstline.common.identity import mask_id_number
from firstline.common.paths import ancestor_paths, subtree_q
from firstline.common.text import clean_text
from firstline.imports import parsing
from firstline.imports.models import ColumnMapping, ImportJob, ImportMode, ImportStatus
from firstline.people.cleaning import CleanPerson, clean_person
from firstline.people.models import Person, Residence, Source, Vulnerability
from firstline.people.selectors import id_number_holders, people_visible
from firstline.people.services import people_hold_for_review

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000
PROGRESS_EVERY = 2000
LOOKUP_CHUNK = 900
ANALYZE_AFTER = 10_000
FILENAME_LIMIT = ImportJob._meta.get_field("filename").max_length
MAPPING_NAME_LIMIT = ColumnMapping._meta.get_field("name").max_length
IMPORT_KINDS = (
    AreaKind.COMMUNITY,
    AreaKind.COMPOUND,
    AreaKind.BUILDING,
    AreaKind.VILLAGE,
    AreaKind.VILLAGE_GROUP,
)
RURAL_IMPORT_KINDS = (AreaKind.VILLAGE, AreaKind.VILLAGE_GROUP)


@transaction.atomic
def import_upload(
    *,
    acting_user,
    area: Area,
    filename: str,
    data: bytes,
    mode: str = ImportMode.KEEP_VALID,
    mapping_name: str = "",
) -> ImportJob:
    """Keep the uploaded list (sealed) and detect its columns; the import starts after the mapping."""
    require(acting_user, Perm.LEDGER_IMPORT, area.path)
    if area.kind not in IMPORT_KINDS:
        raise ValidationError(
            _("Import into a community, a compound, a building, a village or a village group.")
        )
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Unknown mode.")})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than 40 MB.")})
    if len(filename) > FILENAME_LIMIT:
        raise ValidationError(
            {
                "file": _(
                    "The file's name has %(n)d characters, and at most %(limit)d are kept: rename the "
                    "file and upload it again."
                )
                % {"n": len(filename), "limit": FILENAME_LIMIT}
            }
        )
    file_format = parsing.file_format_of(filename)
    table = parsing.read_table(data, file_format)
    saved = {}
    if mapping_name:
        saved = (
            ColumnMapping.objects.filter(area__in=_mapping_areas(area), name=mapping_name)
            .values_list("mapping", flat=True)
            .first()
            or {}
        )
    job = ImportJob.objects.create(
        area=area,
        created_by=acting_user,
        filename=filename,
        file_format=file_format,
        file_sealed=crypto.seal_bytes(data),
        mode=mode,
        mapping=parsing.detect_mapping(table.headers, saved),
        total_rows=len(table.rows),
        status=ImportStatus.DRAFT,
    )
    audit_record(
        actor=acting_user,
        action="import.upload",
        target=job,
        area_path=area.path,
        changes={"file": job.filename, "rows": job.total_rows, "mode": mode},
    )
    return job


def _mapping_areas(area: Area) -> list[Area]:
    return list(Area.objects.filter(path__in=[area.path[:i] for i in range(6, len(area.path) + 1, 6)]))


def import_headers(*, job: ImportJob) -> list[str]:
    """The header row of the job's file (decrypted in memory only)."""
    table = parsing.read_table(crypto.unseal_bytes(job.file_sealed), job.file_format)
    return [h for h in table.headers if h]


@transaction.atomic
def import_start(*, acting_user, job: ImportJob, mapping: dict[str, str], save_as: str = "") -> ImportJob:
    """Confirm the column mapping and queue the job."""
    require(acting_user, Perm.LEDGER_IMPORT, job.area.path)
    mapping = {header: field for header, field in mapping.items() if field in parsing.FIELDS}
    fields = list(mapping.values())
    if len(fields) != len(set(fields)):
        raise ValidationError({"mapping": _("Two columns are mapped to the same field.")})
    if "name" not in fields:
        raise ValidationError({"mapping": _("One column must hold the name.")})
    if job.area.kind in RURAL_IMPORT_KINDS:
        if not ({"door", "address"} & set(fields)):
            raise ValidationError(
                {
                    "mapping": _(
                        "Map the house number column (with the group column if there is "
                        "one), or one address column."
                    )
                }
            )
    elif not (
        {"building", "door"} <= set(fields) or "address" in fields or job.area.kind == AreaKind.HOUSEHOLD
    ):
        raise ValidationError({"mapping": _("Map the building and door columns, or one address column.")})
    save_as = clean_text(save_as, field="save_as", max_length=MAPPING_NAME_LIMIT)
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DRAFT).update(
        mapping=mapping, status=ImportStatus.QUEUED
    ):
        raise ValidationError(_("This import has already started."))
    if save_as.strip():
        ColumnMapping.objects.update_or_create(
            area=job.area, name=save_as.strip(), defaults={"mapping": mapping, "created_by": acting_user}
        )
    audit_record(
        actor=acting_user,
        action="import.start",
        target=job,
        area_path=job.area.path,
        changes={"mapping": mapping},
    )
    job.refresh_from_db()
    from firstline.imports.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


# -- running --------------------------------------------------------------------------------------


class _Places:
    """Buildings, units and doors under the job's area, loaded once, matched by loose names."""

    def __init__(self, area: Area):
        nodes = list(
            Area.objects.filter(subtree_q(area.path)).exclude(kind=AreaKind.HOUSEHOLD).order_by("path")
        )
        self.area = area
        self.buildings: dict[str, Area] = {}
        self.units: dict[tuple[int, str], Area] = {}
        self.groups: dict[str, Area] = {}
        for node in nodes:
            if node.kind == AreaKind.BUILDING:
                self.buildings.setdefault(parsing.building_key(node.name), node)
            elif node.kind == AreaKind.UNIT:
                self.units.setdefault((node.parent_id, parsing.unit_key(node.name)), node)
            elif node.kind == AreaKind.VILLAGE_GROUP:
                self.groups.setdefault(places.group_key(node.name), node)
        # Names an address may start with ('XX县XX镇XX村3组15号'): the area's own and those above it.
        self.place_names = (
            tuple(Area.objects.filter(path__in=ancestor_paths(area.path)).values_list("name", flat=True))
            + (area.name,)
            + tuple(n.name for n in nodes if n.kind == AreaKind.VILLAGE)
        )
        self.doors: dict[tuple[int, str], Area] = {
            (h.parent_id, parsing.door_key(h.door or h.name)): h
            for h in Area.objects.filter(subtree_q(area.path), kind=AreaKind.HOUSEHOLD).only(
                "pk", "parent_id", "door", "name", "path"
            )
        }
        self.new_doors: dict[tuple[int, str], Area] = {}
        self.with_units = {building_pk for building_pk, _name in self.units}

    def locate(self, values: dict) -> tuple[tuple[Area, str] | None, dict[str, str]]:
        """((stairwell, door key), {}) or (None, {field: reason}). A new door must fit its building."""
        if self.area.kind in RURAL_IMPORT_KINDS:
            return self._locate_house(values)
        building_name, unit_name, door = values.get("building"), values.get("unit"), values.get("door")
        if values.get("address") and not (building_name and door):
            parts = parsing.split_address(values["address"])
            if parts is None:
                return None, {
                    "address": _("'%(value)s' is not an address like 3号楼2单元501 or 3-2-501.")
                    % {"value": values["address"]}
                }
            building_name, unit_name, door = parts
        if not door and values.get(parsing.DOOR_NOT_CARRIED) == parsing.NEW_HOUSEHOLD:
            return None, {
                "door": _(
                    "The door (room number) is missing. This row is a head of household (户主), "
                    "so it starts a household of its own and the door above was not carried down: "
                    "write its door."
                )
            }
        if self.area.kind == AreaKind.BUILDING:
            building = self.area
        else:
            if not building_name:
                return None, {"building": _("The building is missing.")}
            building = self.buildings.get(parsing.building_key(building_name))
            if building is None:
                return None, {
                    "building": _("There is no building '%(value)s' in %(area)s.")
                    % {"value": building_name, "area": self.area.name}
                }
        if not door:
            if values.get(parsing.DOOR_NOT_CARRIED) == parsing.OTHER_PLACE:
                return None, {
                    "door": _(
                        "The door (room number) is missing. This row is in another building or unit "
                        "than the row above, so that row's door was not carried down: write its door."
                    )
                }
            return None, {"door": _("The door (room number) is missing.")}
        if building.pk in self.with_units:
            if not unit_name:
                return None, {
                    "unit": _("%(building)s has units: say which one.") % {"building": building.name}
                }
            stairwell = self.units.get((building.pk, parsing.unit_key(unit_name)))
            if stairwell is None:
                return None, {
                    "unit": _("%(building)s has no unit '%(value)s'.")
                    % {"building": building.name, "value": unit_name}
                }
        else:
            stairwell = building
        door = parsing.door_key(door)
        if building.floors and (stairwell.pk, door) not in self.doors:
            floor = parsing.floor_of_door(door)
            if floor and floor > building.floors:
                return None, {
                    "door": _(
                        "%(building)s has %(floors)d floors; door %(door)s would be on floor %(floor)d. "
                        "Check the door "
                        "number (or the building's number of floors)."
                    )
                    % {"building": building.name, "floors": building.floors, "door": door, "floor": floor}
                }
        return (stairwell, door), {}

    def _locate_house(self, values: dict) -> tuple[tuple[Area, str] | None, dict[str, str]]:
        """A village's house: its group (a column, or the address '3组15号') and its number, or the
        name the village knows it by ('村委会后院'); a house in no group is under the village."""
        group_field = "group" if values.get("group") else "building"
        group_name, door = values.get(group_field), values.get("door")
        if values.get("address") and not door:
            address_group, door = places.split_rural_address(values["address"], self.place_names)
            if not group_name and address_group:
                group_name, group_field = address_group, "address"
        if not door:
            if values.get(parsing.DOOR_NOT_CARRIED) == parsing.NEW_HOUSEHOLD:
                return None, {
                    "door": _(
                        "The house number is missing. This row is a head of household (户主), so it "
                        "starts a household of its own and the number above was not carried down: "
                        "write its house number."
                    )
                }
            return None, {"door": _("The house number is missing.")}
        if self.area.kind == AreaKind.VILLAGE_GROUP:
            stairwell = self.area
        elif group_name:
            stairwell = self.groups.get(places.group_key(group_name))
            if stairwell is None:
                return None, {
                    group_field: _(
                        "There is no group '%(value)s' in %(area)s: check the group, or add it to "
                        "the village first."
                    )
                    % {"value": group_name, "area": self.area.name}
                }
        else:
            stairwell = self.area
        return (stairwell, parsing.door_key(door)), {}

    def household(self, stairwell: Area, door: str) -> Area | None:
        return self.doors.get((stairwell.pk, door)) or self.new_doors.get((stairwell.pk, door))

    def plan_door(self, stairwell: Area, door: str) -> None:
        self.new_doors.setdefault((stairwell.pk, door), None)


def _progress(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _mask_in(message: str, number: str) -> str:
    return message.replace(number, mask_id_number(number)) if number else message


def _report(report: "_Report") -> dict:
    """The job's fields that carry the report."""
    limit = ImportJob.REPORT_LIMIT
    return {
        "errors": report.errors[:limit],
        "error_count": len(report.errors),
        "rejected_count": len({e["row"] for e in report.errors}),
        "warnings": report.warnings[:limit],
        "warning_count": len(report.warnings),
        "warned_count": len({w["row"] for w in report.warnings}),
        "duplicate_count": report.duplicates,
        "blank_rows": report.reading.blank_rows,
        "place_rows": report.reading.place_rows,
        "filled_rows": report.reading.filled_rows,
    }


def import_run(job_id: int) -> ImportJob:
    """Validate every row, then write the accepted ones in one transaction. Runs in the worker."""
    job = ImportJob.objects.select_related("area", "created_by").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    _progress(job, status=ImportStatus.VALIDATING, started_at=timezone.now(), processed_rows=0)
    try:
        accepted, report, places, held = _validate(job)
        if job.mode == ImportMode.ALL_OR_NOTHING and report.errors:
            _progress(
                job,
                status=ImportStatus.REFUSED,
                processed_rows=job.total_rows,
                finished_at=timezone.now(),
                file_sealed=None,
                **_report(report),
            )
            with transaction.atomic():
                audit_record(
                    actor=job.created_by,
                    action="import.refused",
                    target=job,
                    area_path=job.area.path,
                    changes={"rejected_rows": len({e["row"] for e in report.errors})},
                )
            return ImportJob.objects.get(pk=job.pk)
        _progress(job, status=ImportStatus.SAVING, processed_rows=job.total_rows)
        created, households_created = _write(job, accepted, places, held)
        _progress(
            job,
            status=ImportStatus.DONE,
            created_count=created,
            households_created=households_created,
            finished_at=timezone.now(),
            file_sealed=None,
            **_report(report),
        )
    except ValidationError as exc:
        _progress(
            job,
            status=ImportStatus.FAILED,
            failure=" ".join(exc.messages),
            finished_at=timezone.now(),
            file_sealed=None,
        )
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        _progress(
            job,
            status=ImportStatus.FAILED,
            failure=_("The import stopped on an unexpected error (%(error)s); nothing was saved.")
            % {"error": type(exc).__name__},
            finished_at=timezone.now(),
            file_sealed=None,
        )
    return ImportJob.objects.get(pk=job.pk)


class _Report:
    """Refusals and warnings as they are found, each naming the row, the field and the file's column."""

    def __init__(self, mapping: dict[str, str]):
        self.columns = {field: header for header, field in mapping.items()}
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.duplicates = 0
        self.reading = parsing.Reading()

    def column(self, field: str) -> str:
        # A door read out of the address column is that column's fault.
        return self.columns.get(field) or (
            self.columns.get("address", "") if field in parsing.ADDRESS_FIELDS else ""
        )

    def refuse(self, row: int, field: str, message: str) -> None:
        self.errors.append({"row": row, "field": field, "column": self.column(field), "message": message})

    def warn(self, row: int, warnings) -> None:
        for warning in warnings:
            self.warnings.append(
                {
                    "row": row,
                    "field": warning.field,
                    "column": self.column(warning.field),
                    "value": warning.value,
                    "message": warning.message,
                }
            )

    def sort(self) -> None:
        self.errors.sort(key=lambda e: (e["row"], e["field"]))
        self.warnings.sort(key=lambda w: (w["row"], w["field"]))


def _validate(job: ImportJob):
    table = parsing.read_table(crypto.unseal_bytes(job.file_sealed), job.file_format)
    if len(table.rows) > MAX_ROWS:
        raise ValidationError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
    places = _Places(job.area)
    today = timezone.localdate()
    report = _Report(job.mapping)
    accepted: list[tuple[int, CleanPerson, Area, str]] = []
    seen_ids: dict[str, int] = {}
    seen_rows: dict[tuple, int] = {}
    processed = 0
    for number, values in parsing.records(table, job.mapping, report.reading):
        processed += 1
        if processed % PROGRESS_EVERY == 0:
            _progress(job, processed_rows=processed)
        raw_id = str(values.get("id_number") or "")
        clean, field_errors = clean_person(
            values, today=today, keep_unknown_labels=True, cut_long_text=True, column_names=report.columns
        )
        where, place_errors = places.locate(values)
        field_errors.update(place_errors)
        if not field_errors:
            if clean.id_number:
                digest = clean.id_hash
                if digest in seen_ids:
                    field_errors["id_number"] = _("Same ID number as row %(row)d.") % {
                        "row": seen_ids[digest]
                    }
                    report.duplicates += 1
                else:
                    seen_ids[digest] = number
            else:
                key = (clean.name, clean.phone, clean.birth_date, where[0].pk, where[1])
                if key in seen_rows:
                    field_errors["name"] = _(
                        "Same person as row %(row)d (name, phone, birth date and door)."
                    ) % {"row": seen_rows[key]}
                    report.duplicates += 1
                else:
                    seen_rows[key] = number
        if field_errors:
            for field, message in field_errors.items():
                report.refuse(number, field, _mask_in(message, raw_id))
            continue
        places.plan_door(*where)
        accepted.append((number, clean, where[0], where[1]))
    # The registry, a few queries per chunk of hashes. A number carried by a record the importer may
    # see is "already registered"; one carried only outside their areas is answered as no one's: the
    # person is stored holding the number for review (ADR 0008), and the report says nothing of it.
    hashes = list({clean.id_hash for _n, clean, _s, _d in accepted if clean.id_hash})
    taken: dict[str, str] = {}
    elsewhere: dict[str, int] = {}
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        holders = id_number_holders(digests=hashes[start : start + LOOKUP_CHUNK])
        visible = dict(
            people_visible(user=job.created_by)
            .filter(pk__in=[pk for pks in holders.values() for pk in pks])
            .values_list("pk", "id_masked")
        )
        for digest, pks in holders.items():
            seen = next((pk for pk in pks if pk in visible), None)
            if seen is not None:
                taken[digest] = visible[seen]
            else:
                elsewhere[digest] = pks[0]
    held: dict[int, int] = {}
    # Without an ID number: the same name and phone already living at the same door is the same person.
    names = {clean.name for _n, clean, _s, _d in accepted if not clean.id_hash}
    at_door = set()
    if names:
        for household_id, name, phone in Residence.objects.filter(
            subtree_q(job.area.path, "household__path"), is_current=True, person__name__in=list(names)
        ).values_list("household_id", "person__name", "person__phone"):
            at_door.add((household_id, name, phone))
    if taken or elsewhere or at_door:
        kept = []
        for number, clean, stairwell, door in accepted:
            household = places.household(stairwell, door)
            if clean.id_hash in taken:
                report.duplicates += 1
                report.refuse(
                    number,
                    "id_number",
                    _("Already registered (%(masked)s).") % {"masked": taken[clean.id_hash]},
                )
            elif clean.id_hash in elsewhere:
                held[number] = elsewhere[clean.id_hash]
                kept.append((number, clean, stairwell, door))
            elif (
                not clean.id_hash
                and household is not None
                and (household.pk, clean.name, clean.phone) in at_door
            ):
                report.duplicates += 1
                report.refuse(number, "name", _("Already registered at this door (same name and phone)."))
            else:
                kept.append((number, clean, stairwell, door))
        accepted = kept
    # Warnings belong to the people stored: a refused row's are moot until it is corrected.
    for number, clean, _s, _d in accepted:
        if clean.warnings:
            report.warn(number, clean.warnings)
    report.sort()
    _progress(job, processed_rows=processed)
    return accepted, report, places, held


def _new_door(stairwell: Area, door: str) -> AreaSpec:
    """A door the list names and the tree lacks: on its floor in a building; a village house keeps
    its number as the village writes it ('15号') or the name it is known by."""
    if stairwell.kind in RURAL_STAIRWELLS:
        label = f"{door}号" if door[:1].isdigit() else door
        return AreaSpec(kind=AreaKind.HOUSEHOLD, name=label, door=label)
    return AreaSpec(kind=AreaKind.HOUSEHOLD, name=door, door=door, floor=parsing.floor_of_door(door))


def _write(job: ImportJob, accepted, places: _Places, held: dict[int, int]) -> tuple[int, int]:
    """Write the accepted rows; `held` maps the rows whose number is registered outside the
    importer's areas to that record: they keep it sealed, out of the unique index, paired for review."""
    with transaction.atomic():
        missing: dict[int, list[str]] = defaultdict(list)
        stairwells = {}
        for _n, _c, stairwell, door in accepted:
            if places.household(stairwell, door) is None and door not in missing[stairwell.pk]:
                missing[stairwell.pk].append(door)
                stairwells[stairwell.pk] = stairwell
        households_created = 0
        for stairwell_pk, doors in missing.items():
            stairwell = stairwells[stairwell_pk]
            made = areas_bulk_create(parent=stairwell, specs=[_new_door(stairwell, door) for door in doors])
            for door, household in zip(doors, made, strict=True):
                places.new_doors[(stairwell_pk, door)] = household
            households_created += len(made)
        people = []
        for number, clean, _s, _d in accepted:
            fields = clean.person_fields()
            if number in held:
                fields["id_hash"] = None  # held for review: sealed and masked, out of the unique index
            people.append(Person(**fields, source=Source.IMPORT, import_job=job))
        created = Person.objects.bulk_create(people, batch_size=2000)
        Residence.objects.bulk_create(
            [
                Residence(
                    person=person,
                    household=places.household(stairwell, door),
                    relation=clean.relation,
                    status=clean.status,
                )
                for person, (_n, clean, stairwell, door) in zip(created, accepted, strict=True)
            ],
            batch_size=2000,
        )
        Vulnerability.objects.bulk_create(
            [
                Vulnerability(
                    person=person,
                    tag=tag,
                    due_date=detail.get("due_date") if isinstance(detail.get("due_date"), dt.date) else None,
                    note=detail.get("note", ""),
                )
                for person, (_n, clean, _s, _d) in zip(created, accepted, strict=True)
                for tag, detail in clean.vulnerabilities.items()
            ],
            batch_size=2000,
        )
        people_hold_for_review(
            acting_user=job.created_by,
            held=[
                (person, held[number], places.household(stairwell, door))
                for person, (number, _c, stairwell, door) in zip(created, accepted, strict=True)
                if number in held
            ],
        )
        audit_record(
            actor=job.created_by,
            action="import.done",
            target=job,
            area_path=job.area.path,
            changes={"people": len(created), "households_created": households_created, "file": job.filename},
        )
    if len(created) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # A big import changes the tables' statistics at once; without fresh ones PostgreSQL plans
        # the next searches as if the tables were small until autovacuum comes round.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person, people_residence, areas_area")
    return len(created), households_created
