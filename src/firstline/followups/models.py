"""Antigen self-tests reported by households, and follow-ups: someone to follow up after a
positive (antigen or single tube today; quarantine and errands later).

A follow-up is about a household (and, if known, a person). What opened it is its `reason`; a link
to the antigen report or the testing sample it came from is optional, so that other apps can open
follow-ups of their own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AntigenResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class AntigenReport(models.Model):
    """An antigen self-test result reported by a resident or their building leader."""

    Result = AntigenResult

    household = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="antigen_reports")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="antigen_reports"
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    taken_at = models.DateTimeField(_("taken at"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    # The form's one-time key: a report sent twice is stored once.
    client_key = models.CharField(max_length=64, unique=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["household", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.result}"


class FollowUpReason(models.TextChoices):
    ANTIGEN_POSITIVE = "antigen_positive", _("Positive antigen self-test")
    POSITIVE = "positive", _("Positive single-tube result")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "Open")
    CLOSED = "closed", pgettext_lazy("follow-up", "Closed")


class FollowUp(models.Model):
    """Someone to follow up (a call, a single PCR, isolation, their needs), per household.

    Opened today by a positive antigen self-test or a positive single tube; what opened it is kept
    in `reason` and, optionally, the report or the sample it came from (quarantine and errands add
    reasons of their own, without either link).
    """

    Reason = FollowUpReason
    Status = FollowUpStatus

    household = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="follow_ups")
    household_path = models.CharField(max_length=64)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    antigen_report = models.ForeignKey(
        AntigenReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    sample = models.ForeignKey(
        "testing.Sample", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.CharField(_("outcome"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "household_path"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.reason} ({self.status})"
