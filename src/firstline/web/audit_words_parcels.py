"""The audit trail's sentences for parcels (merged into audit_words.SENTENCES), and its groups of
actions for the audit page's filter."""

from collections.abc import Callable

from firstline.web.audit_words_base import _Words

SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {}

# key -> (action prefixes, label in words, gettext_noop)
ACTION_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {}
