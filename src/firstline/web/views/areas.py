"""Browsing the area tree."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from firstline.areas.selectors import area_get
from firstline.common.errors import NotFound


@login_required
def area_detail(request, pk: int):
    try:
        area = area_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    return render(request, "web/area.html", {"area": area})
