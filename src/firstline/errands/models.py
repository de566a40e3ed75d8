"""Help requests (跑腿/求助): a household asks for medicine, formula, a document, a hospital pass,
groceries, a repair, or help in a dispute; staff triage and assign it to a volunteer or an errand
group, who note progress and mark it done; the household confirms it and rates it. A neighbour of
the same building may offer to answer it. Critical and overdue requests rank first and are
escalated once (ADR 0016).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from firstline.errands.urgency import Urgency


class HelpCategory(models.TextChoices):
    MEDICINE = "medicine", _("Medicine")
    FORMULA = "formula", _("Infant formula")
    DOCUMENTS = "documents", _("Documents")
    HOSPITAL = "hospital", _("Hospital visit or admission (pass)")
    GROCERIES = "groceries", _("Groceries")
    REPAIR = "repair", _("Heating or repair")
    DISPUTE = "dispute", _("Dispute")
    OTHER = "other", _("Other")


# Categories whose goods must be the very brand and maker asked for (商标与厂家必须一致).
BRANDED_CATEGORIES = frozenset({HelpCategory.MEDICINE, HelpCategory.FORMULA})


class HelpState(models.TextChoices):
    OPEN = "open", pgettext_lazy("help request", "Open")
    ASSIGNED = "assigned", pgettext_lazy("help request", "Assigned")
    DONE = "done", pgettext_lazy("help request", "Done, awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("help request", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("help request", "Cancelled")


# Requests still to answer: in the queue, escalated when overdue.
OPEN_STATES = (HelpState.OPEN, HelpState.ASSIGNED, HelpState.DONE)
# Requests someone still has to carry out (a done one waits for the household only).
PENDING_STATES = (HelpState.OPEN, HelpState.ASSIGNED)


class HelpChannel(models.TextChoices):
    PHONE = "phone", _("Phone call to staff")
    LEADER = "leader", _("Building leader")
    PUBLIC = "public", _("Help page with a code")
    RESIDENT = "resident", _("Resident's own page")


class ErrandGroup(models.Model):
    """A named list of volunteers (跑腿组) of an area, with the phone posted in its buildings."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="errand_groups")
    area_path = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=60)
    # A volunteer's own phone, posted on purpose in the buildings (the poster).
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    # The building leader's own phone, posted beside the group's (the poster of a group's buildings).
    leader_phone = models.CharField(_("leader's phone"), max_length=20, blank=True, default="")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="errand_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area_path", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="errand_group_name_unique")]

    def __str__(self) -> str:
        return self.name


class HelpRequest(models.Model):
    Category = HelpCategory
    State = HelpState
    Channel = HelpChannel
    Urgency = Urgency

    household = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="help_requests")
    household_path = models.CharField(max_length=64)
    # The building (or village) of the door: the queue's filter, the poster, a neighbour's offer.
    block = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    category = models.CharField(_("category"), max_length=12, choices=HelpCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    details = models.CharField(_("what is needed"), max_length=500)
    brand = models.CharField(_("brand"), max_length=80, blank=True, default="")
    maker = models.CharField(_("maker"), max_length=80, blank=True, default="")
    channel = models.CharField(_("asked by"), max_length=10, choices=HelpChannel.choices)
    state = models.CharField(_("state"), max_length=10, choices=HelpState.choices, default=HelpState.OPEN)
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField(_("due"))
    # 0: critical or escalated (top of every queue); 1: the others. Kept by the services with the
    # urgency and the escalation; the queue is ordered by (rank, due_at) on an index.
    rank = models.PositiveSmallIntegerField(default=1)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The escalation pass that escalated the request: each pass reads back its own rows.
    escalation_stamp = models.CharField(max_length=32, blank=True, default="")
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="errands"
    )
    assigned_group = models.ForeignKey(
        ErrandGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The one-time confirmation link given to the household (/help/confirm/<token>/).
    confirm_token = models.CharField(max_length=32, unique=True)
    done_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "due_at", "id"]
        indexes = [
            models.Index(
                fields=["rank", "due_at", "id"],
                condition=Q(state__in=["open", "assigned", "done"]),
                name="help_queue_order",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["open", "assigned"], escalated_at__isnull=True),
                name="help_escalation_due",
            ),
            models.Index(fields=["household_path", "state"], name="help_household_state"),
            models.Index(
                fields=["escalation_stamp"], condition=~Q(escalation_stamp=""), name="help_escalation_stamp"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="help_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(assigned_user__isnull=True) | Q(assigned_group__isnull=True),
                name="help_one_assignee",
            ),
            models.CheckConstraint(condition=Q(rank__in=[0, 1]), name="help_rank_0_or_1"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.category} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_branded(self) -> bool:
        return self.category in BRANDED_CATEGORIES


class HelpEventKind(models.TextChoices):
    ASKED = "asked", _("Asked")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Progress")
    DONE = "done", pgettext_lazy("help event", "Done")
    CONFIRMED = "confirmed", pgettext_lazy("help event", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("help event", "Cancelled")
    ESCALATED = "escalated", _("Escalated")
    OFFERED = "offered", _("Neighbour's offer")
    OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
    OFFER_DECLINED = "offer_declined", _("Offer declined")
    UNMATCHED = "unmatched", _("Unmatched")


class HelpEvent(models.Model):
    """A line of a request's timeline: its progress notes and each step it went through."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=HelpEventKind.choices)
    text = models.CharField(_("note"), max_length=500, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UNMATCHED = "unmatched", _("Unmatched")


class HelpOffer(models.Model):
    """A neighbour of the same building offering to answer a request (seed 003: the 17th floor gave
    vegetables to the 80-year-old on the 14th)."""

    State = OfferState

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("offer"), max_length=300)
    state = models.CharField(max_length=10, choices=OfferState.choices, default=OfferState.OFFERED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(state="accepted"), name="help_one_accepted_offer"
            ),
            models.UniqueConstraint(
                fields=["request", "offered_by"],
                condition=Q(state="offered"),
                name="help_one_live_offer_per_neighbour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.offered_by_id} ({self.state})"
