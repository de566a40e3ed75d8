"""Self-registration from the compound's QR code, its review queue, and personal codes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    # Sent after the compound's hourly quota was used up (a flood, or a very busy hour): stored and
    # answered like any other, but shown apart in the queue (ADR 0008).
    SUSPECT = "suspect", _("Held: sent after the hourly limit")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# The submissions that still wait for a reviewer's decision.
WAITING = (SubmissionStatus.PENDING, SubmissionStatus.SUSPECT)


class SelfRegistration(models.Model):
    compound = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="self_registrations")
    # The door the resident picked; staff may correct it on review.
    household = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address_text = models.CharField(_("address as typed"), max_length=100, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, default="")
    # The members as submitted, ID numbers included: sealed as a whole (see common/crypto.py).
    payload_sealed = models.BinaryField(editable=False)
    member_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    # The form's one-time key: the same submission sent twice is stored once.
    submission_key = models.CharField(max_length=64, unique=True)
    client_hash = models.CharField(max_length=64, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["compound", "status"])]

    def __str__(self) -> str:
        return f"{self.compound_id} {self.address_text} ({self.status})"

    @property
    def sender(self) -> str:
        """A short label of the client that sent it (its keyed hash): enough to tell senders apart."""
        return self.client_hash[:8]


class SubmissionQuota(models.Model):
    """How many submissions one sender, or one compound, has made in one clock hour.

    A place is taken by a conditional UPDATE (`used < limit`) in the submission's own transaction,
    so concurrent submissions never take more places than the limit, on SQLite and PostgreSQL alike;
    a count read before the insert would let them all through (ADR 0008). Rows of past hours are
    deleted as new hours begin.
    """

    key = models.CharField(max_length=80)  # "client:<fingerprint>" or "compound:<id>"
    hour = models.DateTimeField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "hour"], name="submission_quota_unique")]
        indexes = [models.Index(fields=["hour"])]

    def __str__(self) -> str:
        return f"{self.key} {self.hour:%Y-%m-%d %H}h: {self.used}"


class CodeKind(models.TextChoices):
    PERSON = "person", _("Personal code")
    FAMILY = "family", _("Family code")


class PersonalCode(models.Model):
    """A code printed as a QR card; scanning it identifies the person (or family) without the ID number."""

    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=8, choices=CodeKind.choices, default=CodeKind.PERSON)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    household = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="family_codes"
    )
    members = models.ManyToManyField("people.Person", blank=True, related_name="family_codes")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(kind="person", revoked_at__isnull=True),
                name="one_live_personal_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code[:6]}…"
