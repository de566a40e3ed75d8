"""One mapping from the domain's errors to page answers, as `api/root.py` has for the API.

A view calls a service and lets `PermissionDenied` and `NotFound` go: the page answer is a 403 that
says what the person may not do and who can, or the same 404 as for an address that does not exist
(so a record outside one's areas is not confirmed to exist). Validation errors stay in the views,
which show them beside the form fields.
"""

from django.http import Http404
from django.shortcuts import render

from firstline.common.errors import NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None  # the API maps its own errors
        if isinstance(exception, PermissionDenied):
            return render(request, "web/403.html", {"message": str(exception)}, status=403)
        if isinstance(exception, NotFound):
            raise Http404 from exception
        return None
