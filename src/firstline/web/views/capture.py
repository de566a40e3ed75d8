"""Placeholder views: the URL names exist so that pages can link to each other while they are built.
Each function is replaced by the real page."""

from django.http import Http404


def desk(request, **kwargs):
    raise Http404("not built yet")


def door(request, **kwargs):
    raise Http404("not built yet")


def door_buildings(request, **kwargs):
    raise Http404("not built yet")


def find_person(request, **kwargs):
    raise Http404("not built yet")


def service_worker(request, **kwargs):
    raise Http404("not built yet")

