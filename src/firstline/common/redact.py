"""Keeping ID numbers out of log lines, whatever wrote them (an exception's message, a library).

Exceptions quote their input ("invalid literal for int(): '11010519491231002X'"), so a traceback
can carry the number a person typed. `redact_id_numbers` masks what looks like one, the way
`identity.mask_id_number` shows it everywhere else; `RedactIdNumbers` applies it to every record
that reaches the project's log handler.
"""

import logging
import re

from firstline.common.identity import mask_id_number

# An 18-character resident ID (the last may be X), an old 15-digit one, or a passport-shaped token
# (one or two letters and 7 or 8 digits), standing on its own. Masking something else that looks
# like them (a tube code) costs nothing in a log.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|[A-Za-z]{1,2}\d{7,8})(?![0-9A-Za-z])")


def redact_id_numbers(text: str) -> str:
    return _ID_NUMBER.sub(lambda match: mask_id_number(match.group(0).upper()), text)


class RedactIdNumbers(logging.Filter):
    """A handler filter: the message and the traceback of every record, with ID numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_id_numbers(record.stack_info)
        record.msg, record.args = redact_id_numbers(message), None
        return True
