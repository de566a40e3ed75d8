"""Placeholder views: the URL names exist so that pages can link to each other while they are built.
Each function is replaced by the real page."""

from django.http import Http404


def antigen_household(request, **kwargs):
    raise Http404("not built yet")


def antigen_list(request, **kwargs):
    raise Http404("not built yet")


def antigen_report(request, **kwargs):
    raise Http404("not built yet")


def box(request, **kwargs):
    raise Http404("not built yet")


def boxes(request, **kwargs):
    raise Http404("not built yet")


def followup_close(request, **kwargs):
    raise Http404("not built yet")


def followups(request, **kwargs):
    raise Http404("not built yet")


def lab_box(request, **kwargs):
    raise Http404("not built yet")


def lab_home(request, **kwargs):
    raise Http404("not built yet")


def notices(request, **kwargs):
    raise Http404("not built yet")


def notices_read(request, **kwargs):
    raise Http404("not built yet")


def upload(request, **kwargs):
    raise Http404("not built yet")


def upload_report(request, **kwargs):
    raise Http404("not built yet")

