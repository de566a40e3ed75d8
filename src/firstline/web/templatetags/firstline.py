"""Template helpers for forms whose fields are numbered (the members of a self-registration)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def field_value(values, index, field):
    if not values:
        return ""
    return values.get(f"m-{index}-{field}", "")


@register.simple_tag
def field_error(errors, index, field):
    message = (errors or {}).get(f"member-{index}-{field}")
    if not message:
        return ""
    return format_html(
        '<span class="error" data-field="member-{}-{}">{}</span>', index, field, " ".join(message)
    )


@register.filter
def tube_size(capacity) -> str:
    """'Single tube' for one person, '10-in-1' for a pool (how samplers say it)."""
    from django.utils.translation import gettext as _

    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        return str(capacity)
    return _("single tube") if capacity == 1 else _("%(n)d-in-1") % {"n": capacity}
