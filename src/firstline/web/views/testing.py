"""Placeholder views: the URL names exist so that pages can link to each other while they are built.
Each function is replaced by the real page."""

from django.http import Http404


def calldowns(request, **kwargs):
    raise Http404("not built yet")


def coverage(request, **kwargs):
    raise Http404("not built yet")


def exemption_remove(request, **kwargs):
    raise Http404("not built yet")


def exemption_set(request, **kwargs):
    raise Http404("not built yet")


def export(request, **kwargs):
    raise Http404("not built yet")


def missing(request, **kwargs):
    raise Http404("not built yet")


def point_edit(request, **kwargs):
    raise Http404("not built yet")


def points(request, **kwargs):
    raise Http404("not built yet")


def pooling(request, **kwargs):
    raise Http404("not built yet")


def positives(request, **kwargs):
    raise Http404("not built yet")


def round_detail(request, **kwargs):
    raise Http404("not built yet")


def round_list(request, **kwargs):
    raise Http404("not built yet")


def round_status(request, **kwargs):
    raise Http404("not built yet")


def seal(request, **kwargs):
    raise Http404("not built yet")


def tubes(request, **kwargs):
    raise Http404("not built yet")

