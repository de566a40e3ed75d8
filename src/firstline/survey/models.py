"""Survey visits (摸排): every attempt to reach a household, by any channel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    NOT_HOME = "not_home", _("Not at home")
    REFUSED = "refused", _("Refused")
    NOTICE_POSTED = "notice_posted", _("Notice posted on the door")
    VACANT = "vacant", _("Vacant")


# Outcomes that count as having reached the household.
REACHED = (Outcome.REGISTERED, Outcome.VACANT)


class Channel(models.TextChoices):
    DOOR = "door", _("Door to door")
    PHONE = "phone", _("Phone call")
    ONLINE = "online", _("Online form")
    PAPER = "paper", _("Paper form under the door")
    PROPERTY_LIST = "property_list", _("Property manager's list")


class SurveyVisit(models.Model):
    household = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="visits")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.DOOR)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(_("when"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["household", "outcome"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.outcome} {self.visited_at:%Y-%m-%d}"
