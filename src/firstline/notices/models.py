"""Notices: messages the system writes for the people who must act on them.

A notice concerns an area (a household, a unit, a building...) and is delivered to the users whose
grants cover that area in the roles it is meant for: a positive pool reaches the building and unit
leaders of the doors concerned; a call-down is written once and pasted into the building's chat
group. Each delivery is read (or not) by its own user.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    POOL_POSITIVE = "pool_positive", _("Positive pool")
    POSITIVE = "positive", _("Positive result")
    CALL_DOWN = "call_down", _("Call-down")
    ANTIGEN_POSITIVE = "antigen_positive", _("Positive antigen self-test")
    GENERAL = "general", _("Notice")


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices, default=NoticeKind.GENERAL)
    # The area the notice is about; its path scopes who may read it besides its recipients.
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("title"), max_length=200)
    # The text to read or paste into a chat group. Never an ID number or a phone in clear.
    body = models.TextField(_("message"))
    # What the notice points at, e.g. "testing.tube:123", so a page can link back to it.
    ref = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeDelivery(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_deliveries"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_delivery_unique")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}"
