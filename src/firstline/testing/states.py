"""The states of mass testing that are worked out rather than stored, with the words for them.

Stored states (a round's, a tube's, a sample's, a box's) are on their models in `testing.models`;
these are derived: a person's state in a round (from their samples, exemption and re-sample task),
a door's status on the round's building map (from its people's), and what became of a scan or of a
lab result sent to the server. Pages, the API and the scripts take their values and labels from
here; the values are the strings of the JSON API and never change.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class PersonState(TextChoices):
    """A person's state in a round, derived from their samples, exemption and re-sample task."""

    MISSING = "missing", _("Not sampled yet")
    EXEMPT = "exempt", _("Exempt")
    PENDING = "pending", _("Sampled, waiting for the lab")
    NEGATIVE = "negative", _("Negative")
    RESAMPLE = "resample", _("Pool positive: stay home for a single re-sample")
    RESAMPLED = "resampled", _("Re-sampled, waiting for the lab")
    POSITIVE = "positive", _("Positive")

    @property
    def short_label(self) -> str:
        """The short word of the door-to-door buttons and the desk's finder."""
        return _PERSON_STATE_SHORT[self]


_PERSON_STATE_SHORT = {
    PersonState.MISSING: _("Missing"),
    PersonState.EXEMPT: _("Exempt"),
    PersonState.PENDING: _("Sampled"),
    PersonState.NEGATIVE: _("Negative"),
    PersonState.RESAMPLE: _("Re-sample: a tube of their own"),
    PersonState.RESAMPLED: _("Re-sampled"),
    PersonState.POSITIVE: _("Positive"),
}


class DoorStatus(TextChoices):
    """A door's colour on the round's building map, in the legend's order."""

    DONE = "done", _("Done")
    PENDING = "pending", _("Sampled, waiting for the lab")
    PARTIAL = "partial", _("Partly sampled")
    MISSING = "missing", _("Nobody sampled")
    RESAMPLE = "resample", _("To re-sample")
    RESAMPLED = "resampled", _("Re-sampled, waiting")
    POSITIVE = "positive", _("Positive")
    EMPTY = "empty", _("Nobody lives here")


class ScanStatus(TextChoices):
    """What the server did with a scan (ADR 0005): only an answer takes a scan off a device's queue."""

    STORED = "stored", _("Stored")
    DUPLICATE = "duplicate", _("Already stored")
    REFUSED = "refused", _("Refused")
    # The scan's id was already used for a different scan: nothing is stored, and the device keeps
    # the scan to send again under a new id.
    CONFLICT = "conflict", _("Not stored: id already used")


class ScanRefusal(TextChoices):
    """Why a scan was not stored: the `code` of a refused scan (or of a conflict)."""

    INVALID = "invalid", _("Not a valid scan")
    TUBE_CODE = "tube_code", _("Not a tube code")
    ROUND_NOT_OPEN = "round_not_open", _("The round is not open")
    SCAN_TIME = "scan_time", _("Dated outside the round")
    ALREADY_SAMPLED = "already_sampled", _("Already sampled in this round")
    TUBE_USED = "tube_used", _("Tube used in another round")
    TUBE_FULL = "tube_full", _("Tube full")
    TUBE_CLOSED = "tube_closed", _("Tube closed")
    NEEDS_SINGLE_TUBE = "needs_single_tube", _("Needs a tube of their own")
    OTHER_HOUSEHOLD = "other_household", _("Tube of another household")
    NEEDS_HOUSEHOLD_TUBE = "needs_household_tube", _("Needs a tube for the household")
    NEEDS_SMALLER_TUBE = "needs_smaller_tube", _("Needs a smaller tube")
    CLIENT_ID_REUSED = "client_id_reused", _("Scan id used for another scan")
    NOT_ALLOWED = "not_allowed", _("Not allowed here")
    CODE_INVALID = "code_invalid", _("Personal code unreadable")
    ID_NUMBER = "id_number", _("Not a valid ID number")
    PERSON_UNKNOWN = "person_unknown", _("Nobody registered has it")
    TUBE_UNKNOWN = "tube_unknown", _("No such tube in the round")


class ResultStatus(TextChoices):
    """What the server did with one lab result (one per tube, ADR 0006)."""

    STORED = "stored", _("stored")
    DUPLICATE = "duplicate", _("already reported the same, nothing changed")
    REFUSED = "refused", _("refused")


# What a tube's barcode looks like (采样管条码): up to 6 letters (a maker's or a site's prefix, which single
# dashes may split, as in YL-D, and an optional dash after it), then at least 4 digits, which may be
# grouped by single dashes; 4 to 40 characters in all. The server refuses anything else as a tube code,
# and a capture page is given this same pattern (`rounds.rules.capture_rules`), so that a word or a
# mistyped personal code never opens a tube there either. Written so that Python's `re` and the
# browser's RegExp read it alike.
TUBE_CODE_PATTERN = r"^(?=.{4,40}$)(?=(?:[^0-9]*[0-9]){4})(?:[A-Z](?:-?[A-Z]){0,5}-?)?[0-9](?:-?[0-9])*$"
TUBE_CODE_RULE = _("up to 6 letters, then at least 4 digits (dashes allowed)")
