"""Write the OpenAPI document of the JSON API to a file (`make openapi` keeps docs/openapi.json current).

The document is taken from the view that serves /api/v1/openapi.json (firstline.api.root.api), found
through the URLconf: the command line is an interface beside the API and does not import it.
"""

import inspect
import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import translation


def openapi_text() -> str:
    """The OpenAPI document as committed: English, sorted keys, two-space indent, final newline."""
    url = reverse("api:openapi-json")
    match = resolve(url)
    request = HttpRequest()
    request.method, request.path = "GET", url
    # The view itself, without the sign-in its page asks of people: the command runs as the system.
    view = inspect.unwrap(match.func)
    with translation.override("en"):
        response = view(request, *match.args, **match.kwargs)
    schema = json.loads(response.content)
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI JSON of the API (/api/v1/openapi.json) to PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the JSON, e.g. docs/openapi.json.")

    def handle(self, *args, path: str, **options):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
