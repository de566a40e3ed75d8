"""Search: one box for a name, a phone, a door ('3-2-501') or an exact ID number."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from firstline.common.identity import mask_phone
from firstline.people.models import Residence
from firstline.people.selectors import person_search

TAKEN_AS = {"id_number": _("an ID number (exact)"), "phone": _("a phone number"), "door": _("a door"), "name": _("a name")}


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    kind, results = person_search(user=request.user, query=query) if query else ("empty", [])
    if query:
        current = Residence.objects.filter(is_current=True).select_related("household__parent__parent")
        results = list(results.prefetch_related(Prefetch("residences", queryset=current, to_attr="current")))
        for person in results:
            person.phone_masked = mask_phone(person.phone)
            person.home = person.current[0].household if person.current else None
    return render(request, "web/search.html", {"query": query, "taken_as": TAKEN_AS.get(kind), "results": results})
