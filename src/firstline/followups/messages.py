"""The words a positive antigen self-test sends to the leaders of its door.

Written in the deployment's language (settings.LANGUAGE_CODE), whatever language the page is in,
and naming the door, never the person: the message gets pasted into a building's chat group.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from firstline.areas.selectors import door_labels


def antigen_positive_message(*, household) -> tuple[str, str]:
    """(title, body) for a positive antigen self-test reported by a household."""
    with translation.override(settings.LANGUAGE_CODE):
        where = door_labels(household_ids=[household.pk]).get(household.pk, household.name)
        title = _("Positive at %(where)s") % {"where": where}
        body = _(
            "A positive antigen self-test was reported at %(where)s. Follow up now: the household stays at "
            "home; a staff member will call."
        ) % {"where": where}
    return title, body
