"""Search: one box for a name, a phone, a door ('3-2-501') or an exact ID number.

The box posts its query. A name or a door comes back as a plain link (/search/?q=王芳) that can be
bookmarked and shared. A query that may carry an ID number or a phone never goes into an address,
where server and proxy logs and the browser's history would keep it: it is kept sealed in the
user's session under a short-lived random key, and the results page is /search/?k=<key>, which the
back button and a refresh read again.
"""

import secrets
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from firstline.common import crypto
from firstline.common.identity import mask_id_number, mask_phone, normalise_phone, read_id_number
from firstline.people.selectors import ledger_search

TAKEN_AS = {
    "id_number": _("an ID number (exact)"),
    "phone": _("a phone number"),
    "door": _("a door"),
    "name": _("a name"),
}
SESSION_KEY = "firstline_searches"
KEPT_SEARCHES = 20  # per session: the newest are kept
SEARCH_LIFETIME = 30 * 60  # seconds a results page can be read again
MAX_QUERY = 100


def _see_other(query: dict) -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse("web:search") + (f"?{urlencode(query)}" if query else ""))
    response.status_code = 303  # the results are read with GET, whatever the form was sent with
    return response


def _remember(request, query: str) -> str:
    """Keep a private query sealed in the session; the key that reads it back."""
    now = int(time.time())
    kept = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if entry["at"] > now - SEARCH_LIFETIME
    }
    key = secrets.token_urlsafe(9)
    kept[key] = {"q": crypto.seal(query).hex(), "at": now}
    request.session[SESSION_KEY] = dict(sorted(kept.items(), key=lambda item: item[1]["at"])[-KEPT_SEARCHES:])
    return key


def _recall(request, key: str) -> str | None:
    entry = request.session.get(SESSION_KEY, {}).get(key)
    if entry is None or entry["at"] <= time.time() - SEARCH_LIFETIME:
        return None
    return crypto.unseal(bytes.fromhex(entry["q"]))


def _shown(query: str, kind: str) -> str:
    """A private query as the page may show it: masked."""
    if kind == "id_number":
        return mask_id_number(read_id_number(query)[0] or query.upper())
    if kind == "phone":
        try:
            return mask_phone(normalise_phone(query))
        except ValidationError:  # a phone that does not read as one is shown masked as typed
            return mask_phone(query)
    return mask_id_number(query.upper())


@login_required
def search(request):
    if request.method == "POST":
        search = ledger_search(user=request.user, query=request.POST.get("q", "").strip()[:MAX_QUERY])
        if not search.query:
            return _see_other({})
        if not search.private:
            return _see_other({"q": search.query})
        return _see_other({"k": _remember(request, search.query)})
    notice, private = "", False
    if "k" in request.GET:
        search = ledger_search(user=request.user, query=_recall(request, request.GET["k"]) or "")
        private = True
        if not search.query:
            notice = _("This search is no longer kept. Search again.")
    else:
        search = ledger_search(user=request.user, query=request.GET.get("q", "").strip()[:MAX_QUERY])
        if search.query and search.private:
            # Someone typed it into the address: search nothing, and move off an address that carries it.
            messages.error(
                request,
                _(
                    "ID numbers and phone numbers are searched from the box, so that they stay "
                    "out of addresses."
                ),
            )
            return _see_other({})
    query, kind, results = search.query, search.kind, search.results
    for person in results:
        person.phone_masked = mask_phone(person.phone)
    return render(
        request,
        "web/search.html",
        {
            "query": query,
            "value": "" if private else query,
            "shown": _shown(query, kind) if private and query else "",
            "taken_as": TAKEN_AS.get(kind),
            "results": results,
            "notice": notice,
        },
    )
