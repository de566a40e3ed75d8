"""How the API reads a request before the schemas see it.

- A JSON body must be an object: every operation takes one, and `[null, null]` read as "no fields
  sent" would let a malformed request change nothing silently, or worse, be answered 200.
- A query parameter the operation does not know is refused by name: `coverage?area_id=7` must not
  answer for the whole community as if the filter had been applied.
"""

import json

from django.utils.translation import gettext as _
from ninja.params.models import QueryModel
from ninja.parser import Parser


class ObjectBodyParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("The body must be a JSON object.")
        return data


def refuse_unknown_query_parameters(api, *, on_unknown) -> None:
    """Wrap every operation of `api` so that a query parameter it does not declare is answered by
    `on_unknown(request, names)` instead of being ignored."""
    # The routers the API serves are bound copies of the ones added (Ninja 1.4+): wrap theirs.
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                known = set()
                for model in operation.models:
                    if issubclass(model, QueryModel):
                        known |= set(getattr(model, "__ninja_flatten_map__", None) or model.model_fields)
                operation.run = _checked(operation.run, frozenset(known), on_unknown)


def _checked(run, known: frozenset, on_unknown):
    def checked_run(request, **kwargs):
        unknown = sorted(set(request.GET) - known)
        if unknown:
            return on_unknown(request, unknown)
        return run(request, **kwargs)

    return checked_run


def unknown_parameter_errors(names: list[str]) -> dict[str, list[str]]:
    return {name: [_("This operation has no parameter %(name)s.") % {"name": name}] for name in names}
