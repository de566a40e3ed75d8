"""The start page: where the signed-in user works."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from firstline.areas.selectors import area_roots_for


@login_required
def home(request):
    return render(request, "web/home.html", {"roots": area_roots_for(user=request.user)})
