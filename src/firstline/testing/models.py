"""Mass testing (全员核酸): rounds, sampling points, pooled tubes, samples, boxes, lab results,
re-sample tasks, exemptions and call-downs. The services and selectors of each step of the
workflow live in the sub-packages `rounds`, `capture`, `transport`, `lab` and `coverage`.

A sample's primary key is the id the capturing device made for the scan (a UUID), so a scan sent
twice, or a batch retried after a timeout, can only ever be stored once (ADR 0005). Business
duplicates are constraints too: one live screening sample per person and round, one code per tube.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from firstline.areas.models import RiskStatus
from firstline.common.identity import mask_phone

TUBE_CAPACITIES = (1, 5, 10, 20)


class RoundStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("round", "Planned")
    OPEN = "open", pgettext_lazy("round", "Open")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class Round(models.Model):
    """One round of mass testing over some areas, on a day (or a window)."""

    # The area that owns the round (a street, community or compound); rights are checked here.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="testing_rounds")
    name = models.CharField(_("name"), max_length=100)
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return self.name


class RoundArea(models.Model):
    """An area tested in a round (the round's scope); everyone living under it is expected."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scope")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "area"], name="round_area_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.area_id}"


class PoolingRule(models.Model):
    """How many people share a tube: by the risk status of where they live, or for one area.

    A rule with an area overrides the rules by risk status for everything under that area.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pooling_rules")
    risk_status = models.CharField(
        _("risk status"), max_length=16, choices=RiskStatus.choices, blank=True, default=""
    )
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("people per tube"))
    # One tube per household (sealed buildings): the tube takes the members of one door only.
    per_household = models.BooleanField(_("one tube per household"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "risk_status"],
                condition=models.Q(area__isnull=True),
                name="pooling_rule_by_risk_unique",
            ),
            models.UniqueConstraint(
                fields=["round", "area"],
                condition=models.Q(area__isnull=False),
                name="pooling_rule_by_area_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__in=TUBE_CAPACITIES), name="pooling_rule_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.area_id or self.risk_status}: {self.capacity}"


class SamplingPoint(models.Model):
    """A sampling point (采样点) of a compound, with its desks and opening hours."""

    compound = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="sampling_points")
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("where"), max_length=200, blank=True, default="")
    desks = models.PositiveSmallIntegerField(_("desks"), default=2)
    opens_at = models.TimeField(_("opens at"), default=dt.time(6, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(12, 0))
    # A desk registers 100–200 people an hour (20–30 s a person).
    per_desk_hour = models.PositiveSmallIntegerField(_("people per desk per hour"), default=120)
    # How many people may wait at once (the one-metre queue).
    queue_cap = models.PositiveSmallIntegerField(_("queue cap"), default=40)
    # Buildings or units called down to this point; none means the whole compound.
    serves = models.ManyToManyField("areas.Area", blank=True, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["compound_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="sampling_point_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TubeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("tube", "Open")
    CLOSED = "closed", pgettext_lazy("tube", "Closed")


class ResultKind(models.TextChoices):
    PENDING = "pending", _("Waiting for the lab")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid, sample again")


class BoxStatus(models.TextChoices):
    PACKING = "packing", _("Packing")
    PACKED = "packed", _("Packed")
    PICKED_UP = "picked_up", _("Picked up")
    RECEIVED = "received", _("Received at the lab")


class Box(models.Model):
    """A transport box (转运箱) of closed tubes, handed from the point to the lab."""

    Status = BoxStatus

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="boxes")
    code = models.CharField(_("box code"), max_length=40, unique=True)
    point = models.ForeignKey(
        SamplingPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="boxes"
    )
    # Where the box was packed (the point's compound, or the building for door-to-door), for scope.
    area_path = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PACKING)
    # The number of tubes counted by hand when the box was packed: it must match the scans.
    tube_count = models.PositiveIntegerField(_("tubes"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return self.code


class BoxEventKind(models.TextChoices):
    PACKED = "packed", _("Packed")
    PICKED_UP = "picked_up", _("Picked up")
    RECEIVED = "received", _("Received at the lab")


class BoxEvent(models.Model):
    """A hand-off of a box: packed at the point, picked up by a transporter, received at the lab."""

    Kind = BoxEventKind

    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    tube_count = models.PositiveIntegerField(null=True, blank=True)
    # Tubes missing from the box or found in it unexpectedly, by code, when the lab scanned them.
    missing = models.JSONField(default=list, blank=True)
    unexpected = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")
    # Who took the box at a pick-up (the courier, 转运员), as they said it; `by` is who recorded it.
    courier_name = models.CharField(_("courier"), max_length=60, blank=True, default="")
    courier_phone = models.CharField(_("courier's phone"), max_length=20, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["box", "kind"], name="box_event_once")]

    def __str__(self) -> str:
        return f"{self.box_id} {self.kind}"

    @property
    def courier_phone_masked(self) -> str:
        return mask_phone(self.courier_phone)


class Tube(models.Model):
    """A sampling tube (采样管): one barcode, 1 to 20 people, one result from the lab."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="tubes")
    # A barcode is printed once: a code already used, in any round, is refused.
    code = models.CharField(_("tube code"), max_length=40, unique=True)
    capacity = models.PositiveSmallIntegerField(_("people per tube"))
    per_household = models.BooleanField(default=False)
    household = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    filled = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=8, choices=TubeStatus.choices, default=TubeStatus.OPEN)
    # Tubes kept for re-sampling one person after a positive pool.
    for_resample = models.BooleanField(default=False)
    point = models.ForeignKey(
        SamplingPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="tubes", db_index=False
    )
    desk = models.PositiveSmallIntegerField(null=True, blank=True)
    door_to_door = models.BooleanField(default=False)
    # Where the tube was filled (the point's compound, or the household door to door), for scope.
    area_path = models.CharField(max_length=64)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    box = models.ForeignKey(Box, null=True, blank=True, on_delete=models.SET_NULL, related_name="tubes")
    boxed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=ResultKind.choices, default=ResultKind.PENDING
    )

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("capacity")), name="tube_never_overfilled"
            ),
            models.CheckConstraint(condition=models.Q(capacity__in=TUBE_CAPACITIES), name="tube_capacity"),
        ]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["round", "result"])]

    def __str__(self) -> str:
        return self.code

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.filled)


class SampleState(models.TextChoices):
    PENDING = "pending", _("Waiting for the result")
    NEGATIVE = "negative", _("Negative")
    POOL_POSITIVE = "pool_positive", _("Pool positive, awaiting single re-sample")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid, to be sampled again")


# A sample in one of these states counts: the person has been sampled in the round.
LIVE_STATES = (SampleState.PENDING, SampleState.NEGATIVE, SampleState.POOL_POSITIVE, SampleState.POSITIVE)


class SamplePurpose(models.TextChoices):
    SCREENING = "screening", _("Screening")
    RESAMPLE = "resample", _("Single re-sample")


class Sample(models.Model):
    """One person's swab in one tube of one round."""

    # Made by the device that captured the scan (ADR 0005); a family code's members get ids derived
    # from the scan's id, so a retried family scan is stored once too.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="samples", db_index=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="samples")
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="samples")
    purpose = models.CharField(max_length=10, choices=SamplePurpose.choices, default=SamplePurpose.SCREENING)
    state = models.CharField(max_length=14, choices=SampleState.choices, default=SampleState.PENDING)
    # Where the person lived when sampled: coverage counts by it with one range scan.
    household = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    household_path = models.CharField(max_length=64, blank=True, default="")
    # The person lives outside the round's areas: allowed, and flagged for the lists.
    out_of_scope = models.BooleanField(default=False)
    door_to_door = models.BooleanField(default=False)
    point = models.ForeignKey(
        SamplingPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    desk = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the device scanned it (its clock) and when the server stored it.
    scanned_at = models.DateTimeField()
    stored_at = models.DateTimeField()
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "purpose"],
                condition=~models.Q(state="invalid"),
                name="one_live_sample_per_round",
            ),
        ]
        indexes = [models.Index(fields=["round", "household_path"], name="sample_round_path")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.tube_id}: {self.person_id}"


class ResultSource(models.TextChoices):
    API = "api", _("Lab integration (API)")
    UPLOAD = "upload", _("Lab file upload")
    MANUAL = "manual", _("Entered on the lab page")


class TubeResult(models.Model):
    """The lab's one result for a tube, with where it came from. A second, different result is refused."""

    Source = ResultSource

    tube = models.OneToOneField(Tube, on_delete=models.PROTECT, related_name="lab_result")
    result = models.CharField(_("result"), max_length=10, choices=ResultKind.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # The file and row, or the integration's own reference, that carried the result.
    source_ref = models.CharField(_("reference"), max_length=200, blank=True, default="")
    upload = models.ForeignKey(
        "ResultUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    stored_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.tube_id}: {self.result}"


class ResultUpload(models.Model):
    """A lab's export file of results, as uploaded, with the column mapping used and what it did."""

    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    mapping = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # Refused rows: [{"row": n, "tube": code, "code": reason code, "message": text}].
    report = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class LabMapping(models.Model):
    """A lab's column mapping, saved under a name so the next file of that lab maps itself."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ResampleStatus(models.TextChoices):
    OPEN = "open", _("To re-sample")
    DONE = "done", _("Re-sampled")
    CANCELLED = "cancelled", _("Cancelled")


class ResampleTask(models.Model):
    """After a positive pool: sample this person again, alone, at home (单管复采)."""

    Status = ResampleStatus

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="resample_tasks")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="resample_tasks")
    household = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household_path = models.CharField(max_length=64, blank=True, default="")
    pool_sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="resample_tasks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["household_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], condition=models.Q(status="open"), name="one_open_resample_task"
            ),
        ]
        indexes = [models.Index(fields=["round", "status", "household_path"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.person_id} ({self.status})"


class ExemptionReason(models.TextChoices):
    AWAY = "away", _("Away from home")
    HOSPITAL = "hospital", _("In hospital")
    INFANT = "infant", _("Infant")
    TESTED_ELSEWHERE = "tested_elsewhere", _("Tested elsewhere")
    OTHER = "other", _("Other reason")


class RoundResident(models.Model):
    """Someone a closed round expected: everyone living in its areas when it closed (ADR 0009).

    Written once, when the round closes, so that people who move in later (an import, a move) are
    not "missing" from a round that ended before they came, and people who move away do not leave it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="residents_at_close")
    residence = models.ForeignKey(
        "people.Residence", on_delete=models.CASCADE, related_name="round_expectations"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    household_path = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="round_resident_once")]
        indexes = [models.Index(fields=["round", "household_path"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.person_id}"


class Exemption(models.Model):
    """Why a person is not expected to be sampled in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exemptions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="testing_exemptions")
    reason = models.CharField(_("reason"), max_length=20, choices=ExemptionReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    household_path = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="one_exemption_per_round")]
        indexes = [models.Index(fields=["round", "household_path"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.person_id} {self.reason}"


class CallDown(models.Model):
    """A wave of stairwells called down to a sampling point (\"3号楼2单元请下楼核酸\")."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="call_downs")
    point = models.ForeignKey(SamplingPoint, on_delete=models.CASCADE, related_name="call_downs")
    stairwells = models.ManyToManyField("areas.Area", related_name="+")
    message = models.TextField()
    people_expected = models.PositiveIntegerField(default=0)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField()

    class Meta:
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}@{self.point_id} {self.called_at:%H:%M}"
