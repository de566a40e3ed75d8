"""Urgency and the due time it gives a help request (ADR 0016).

The defaults below are the stated ones; a deployment may change any of them in its settings with
``FIRSTLINE_HELP_DUE_MINUTES = {"critical": 60, "urgent": 240, "normal": 1440}``.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


# Minutes from the request to its due time. Critical: labour, dialysis, chemotherapy, insulin — an
# hour; urgent: the same morning or afternoon; normal: within the day.
DEFAULT_DUE_MINUTES = {Urgency.CRITICAL: 60, Urgency.URGENT: 4 * 60, Urgency.NORMAL: 24 * 60}

# Words in a request that make it critical whatever was chosen: a life that cannot wait.
CRITICAL_WORDS = (
    "胰岛素",
    "透析",
    "化疗",
    "临产",
    "待产",
    "分娩",
    "生产",
    "羊水",
    "insulin",
    "dialysis",
    "chemo",
    "labour",
    "labor",
)


def due_minutes(urgency: str) -> int:
    configured = getattr(settings, "FIRSTLINE_HELP_DUE_MINUTES", {}) or {}
    return int(configured.get(str(urgency), DEFAULT_DUE_MINUTES[Urgency(urgency)]))


def due_at(*, urgency: str, asked_at: dt.datetime) -> dt.datetime:
    """When a request asked at `asked_at` with this urgency must be answered."""
    return asked_at + dt.timedelta(minutes=due_minutes(urgency))


def urgency_for_text(urgency: str, text: str) -> str:
    """The urgency chosen, raised to critical when the text names a critical need."""
    lowered = (text or "").lower()
    if any(word in lowered for word in CRITICAL_WORDS):
        return Urgency.CRITICAL
    return urgency
