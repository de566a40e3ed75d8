"""The parcels block of a resident's own page: their household's parcels of the last days (the page
lists only the resident's own homes, so the household here is theirs)."""

from django import template

from firstline.parcels.selectors import household_parcels

register = template.Library()


@register.simple_tag
def parcels_of_household(household):
    return household_parcels(household_ids=[household.pk])
