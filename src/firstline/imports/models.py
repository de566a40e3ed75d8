"""Resident list imports: the job (with its sealed file and its report) and saved column mappings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    KEEP_VALID = "keep_valid", _("Keep the valid rows, report the rest")
    ALL_OR_NOTHING = "all_or_nothing", _("Refuse the whole file if any row is wrong")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking rows")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ColumnMapping(models.Model):
    """A saved header → field mapping, for the next list from the same property manager."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="column_mappings")
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="column_mapping_unique")]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    REPORT_LIMIT = 50_000

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(max_length=8)
    # The uploaded list holds ID numbers in clear: it is kept sealed, and dropped when the job ends.
    file_sealed = models.BinaryField(null=True, editable=False)
    mapping = models.JSONField(default=dict, blank=True)
    mode = models.CharField(
        _("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.KEEP_VALID
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # Refusals: [{"row": 12, "field": "id_number", "column": "身份证号", "message": "..."}]; never an ID
    # number in clear. Warnings (people stored anyway): the same, with "value", the label as written.
    # Both lists keep their first REPORT_LIMIT entries; the counts are of all of them.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    warned_count = models.PositiveIntegerField(default=0)  # people stored with at least one warning
    blank_rows = models.PositiveIntegerField(default=0)
    place_rows = models.PositiveIntegerField(
        default=0
    )  # rows naming only a place (a section title, a vacant door)
    filled_rows = models.PositiveIntegerField(default=0)  # rows whose building, unit or door was carried down
    failure = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def progress_percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.REFUSED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)
