"""One mapping from the domain's errors to page answers, as `api/root.py` has for the API.

A view parses the request, calls one selector or service, and renders. It checks no rights and
looks up no record itself: the selectors take ids, check scope and raise.

- `NotFound` → the same 404 as for an address that does not exist (a record outside one's areas, or
  a page of a kind of work one's roles never give, is not confirmed to exist);
- `PermissionDenied` → the 403 page, saying what the person may not do and who can;
- `ValidationError` → the form again, each message beside its field (422); `Conflict` → the form
  again with the conflict's message (409). A view runs a form's write through `submit`, which
  gives the errors and the status, and re-renders with them, or `flash_errors` on a page whose
  small forms answer with a redirect. A form offered on a page that people who may not use it
  still see (the rounds list offers planning; a row of the missing list, an exemption) may ask
  `submit` for the refusal as its own error instead (`refused=`: the message beside the form, 403).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from firstline.common.errors import Conflict, NotFound, PermissionDenied


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


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]}, with general messages under 'general'."""
    if hasattr(exc, "error_dict"):
        errors = {name: list(texts) for name, texts in exc.message_dict.items()}
        if "__all__" in errors:
            errors["general"] = errors.pop("__all__")
        return errors
    return {"general": list(exc.messages)}


@dataclass(frozen=True)
class Submitted:
    """What a form's write gave: the service's answer, or the errors to show beside the fields and
    the status to show them with. True when the write was done."""

    result: object = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    status: int = 200

    def __bool__(self) -> bool:
        return not self.errors


def submit(
    write: Callable[[], object], *, conflict_field: str = "general", refused: str | None = None
) -> Submitted:
    """Run a form's write (the parsing of its fields included): a ValidationError becomes the form's
    errors (422), a Conflict its message under `conflict_field` (409). NotFound goes on to the
    middleware, and so does PermissionDenied unless `refused` names the field its message goes
    under (403): they answer for the whole page, not for a field."""
    try:
        return Submitted(result=write())
    except ValidationError as exc:
        return Submitted(errors=error_dict(exc), status=422)
    except Conflict as exc:
        return Submitted(errors={conflict_field: [str(exc)]}, status=409)
    except PermissionDenied as exc:
        if refused is None:
            raise
        return Submitted(errors={refused: [str(exc)]}, status=403)


def flash_errors(request, errors: dict[str, list[str]]) -> None:
    """A small form's errors as one message on the page it redirects to."""
    messages.error(request, " ".join(text for texts in errors.values() for text in texts))
