"""Template filters of the distribution pages."""

from decimal import Decimal

from django import template

from firstline.supplies.services import fmt_quantity

register = template.Library()


@register.filter
def qty(value) -> str:
    """7.80 → "7.8", 31.20 → "31.2", 0.00 → "0"."""
    return fmt_quantity(Decimal(value).quantize(Decimal("0.01")))
