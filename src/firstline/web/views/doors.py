"""Choosing a door: the picker's partial (building → unit → door, or a typed door) for every form that
names a household; the forms build its first state with `door_picker`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from firstline.accounts.roles import Perm
from firstline.areas.doors import door_pick, picker_site


def door_picker(request, within, *, chosen=None, perm: str = Perm.LEDGER_EDIT):
    """The picker's state for a page: what its form sent back (a form refused without a door shows
    the chosen building's doors: the picker works without JavaScript), else the door `chosen`."""
    data = request.POST if request.method == "POST" else request.GET
    return door_pick(
        user=request.user,
        within=within,
        perm=perm,
        block=data.get("door_block"),
        unit=data.get("door_unit"),
        query=data.get("door_q", ""),
        chosen=data.get("household") or chosen,
    )


@login_required
def door_picker_part(request, pk: int):
    """The part of the picker below its building choice and search box, for htmx: the units and doors
    of the chosen building, or the doors a typed text names (`door_from` says which was used)."""
    within = picker_site(user=request.user, pk=pk)
    source = request.GET.get("door_from", "")
    pick = door_pick(
        user=request.user,
        within=within,
        block=request.GET.get("door_block") if source != "q" else None,
        unit=request.GET.get("door_unit") if source != "q" else None,
        query=request.GET.get("door_q", "") if source == "q" else "",
    )
    return render(request, "web/_door_pick.html", {"pick": pick})
