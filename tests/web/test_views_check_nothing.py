"""The page views parse, call one selector or service, and render: they check no rights or scope and
look up no record themselves, and they map no error by hand (docs/architecture.md, "How a request
flows"; `web.errors` is the one mapping).

Read from the source of every view module:
- no `Http404`, `NotFound`, `PermissionDenied` (raised or caught: the middleware maps them), no
  `except` of `ValidationError` or `Conflict` (a form's write goes through `web.errors.submit`);
- no call of `require`, `require_any`, `scope_paths`, `scope_q`, `scope_filter`, `work_scope`,
  `page_for`, `visible_area`, `get_object_or_404`, nor `has_perm`; no `.objects` (a model lookup
  belongs in a selector, which takes the id and checks scope);
- `can(...)` only to decide what a page shows: its value goes into a template's context under a
  `can_...` key (or `link`, for breadcrumbs), or into a local `can_...` name. Which links and
  buttons a page offers is the page's business; whether the action is allowed is the service's,
  which checks again when it is used.
"""

import ast
from pathlib import Path

import pytest

VIEWS = Path(__file__).resolve().parents[2] / "src" / "firstline" / "web" / "views"
MODULES = sorted(p.name for p in VIEWS.glob("*.py") if p.name != "__init__.py")

# (module, function) whose body is not read, and why.
KEPT = {
    ("common.py", "form_date"): "puts a date's parse error under its field (parsing, before any write)",
    ("search.py", "_shown"): "masks a phone that does not read as one for display, not a form's write",
}

NAMES = {"Http404", "NotFound", "PermissionDenied", "has_perm"}
CALLS = {
    "require",
    "require_any",
    "scope_paths",
    "scope_q",
    "scope_filter",
    "work_scope",
    "page_for",
    "visible_area",
    "get_object_or_404",
}
CAUGHT = {"ValidationError", "Conflict"}


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _shows(node: ast.AST, parents: dict) -> bool:
    """Whether the value of this `can(...)` ends in a `can_...` (or `link`) context key or name."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Dict):
            index = next(i for i, value in enumerate(parent.values) if value is child)
            key = parent.keys[index]
            return isinstance(key, ast.Constant) and (
                str(key.value).startswith("can_") or key.value == "link"
            )
        if isinstance(parent, ast.Assign):
            return all(
                isinstance(t, ast.Name)
                and t.id.startswith("can_")
                or isinstance(t, ast.Attribute)
                and t.attr.startswith("can_")
                for t in parent.targets
            )
        # Through a comprehension too (`any(can(...) for a in parts)`, the parts that have a link):
        # what counts is still where its value ends.
        if not isinstance(
            parent,
            (
                ast.BoolOp,
                ast.Compare,
                ast.Call,
                ast.UnaryOp,
                ast.comprehension,
                ast.ListComp,
                ast.GeneratorExp,
            ),
        ):
            return False
        child, parent = parent, parents.get(parent)
    return False


def _problems(module: str) -> list[str]:
    tree = ast.parse((VIEWS / module).read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (module, node.name) in KEPT:
            skipped.update(ast.walk(node))
    problems = []
    for node in ast.walk(tree):
        if node in skipped:
            continue
        where = f"{module}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, (ast.Name, ast.Attribute)) and _name(node) in NAMES:
            problems.append(f"{where} uses {_name(node)}")
        if isinstance(node, ast.alias) and node.name.split(".")[-1] in NAMES | CALLS:
            problems.append(f"{module} imports {node.name}")
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            problems.append(f"{where} looks a model up (.objects)")
        if isinstance(node, ast.Call) and _name(node.func) in CALLS:
            problems.append(f"{where} calls {_name(node.func)}()")
        if isinstance(node, ast.Call) and _name(node.func) == "can" and not _shows(node, parents):
            problems.append(f"{where} calls can() to decide something other than what the page shows")
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for name in {_name(c) for c in caught} & (CAUGHT | NAMES):
                problems.append(f"{where} catches {name}")
    return sorted(problems, key=lambda text: (int(text.split(":")[1].split()[0]) if ":" in text else 0, text))


def test_every_view_module_is_read():
    assert MODULES == [
        "antigen.py",
        "areas.py",
        "audit.py",
        "capture.py",
        "common.py",
        "distribution.py",
        "doors.py",
        "errands.py",
        "home.py",
        "households.py",
        "imports.py",
        "lab.py",
        "notices.py",
        "parcels.py",
        "people.py",
        "registration.py",
        "resident.py",
        "search.py",
        "signin.py",
        "supplies.py",
        "survey.py",
        "team.py",
        "testing.py",
        "transport.py",
    ]


@pytest.mark.parametrize("module", MODULES)
def test_a_view_checks_nothing_itself(module):
    assert _problems(module) == []


def test_the_guard_sees_each_kind_of_check(tmp_path, monkeypatch):
    """The guard is not blind: each pattern it forbids, written into a view, is reported."""
    monkeypatch.setattr(f"{__name__}.VIEWS", tmp_path)
    (tmp_path / "bad.py").write_text(
        "from django.http import Http404\n"
        "def view(request, pk):\n"
        "    page_for(request.user, 'x')\n"
        "    require(request.user, 'x', '')\n"
        "    area = Area.objects.get(pk=pk)\n"
        "    if not can(request.user, 'x', area.path):\n"
        "        raise Http404\n"
        "    try:\n"
        "        write()\n"
        "    except (ValidationError, PermissionDenied):\n"
        "        pass\n"
        "    return render(request, 't', {'can_edit': can(request.user, 'x', area.path)})\n",
        encoding="utf-8",
    )
    assert _problems("bad.py") == [
        "bad.py imports Http404",
        "bad.py:3 calls page_for()",
        "bad.py:4 calls require()",
        "bad.py:5 looks a model up (.objects)",
        "bad.py:6 calls can() to decide something other than what the page shows",
        "bad.py:7 uses Http404",
        "bad.py:10 catches PermissionDenied",
        "bad.py:10 catches ValidationError",
        "bad.py:10 uses PermissionDenied",
    ]


def test_the_guard_follows_what_a_page_shows_through_comprehensions(tmp_path, monkeypatch):
    """A `can(...)` inside a comprehension is what the page shows only if the comprehension's value
    ends in a `can_...` key, name or attribute; anywhere else it is still reported."""
    monkeypatch.setattr(f"{__name__}.VIEWS", tmp_path)
    (tmp_path / "shows.py").write_text(
        "def view(request, parts, rows):\n"
        "    can_export_parts = [a for a in parts if can(request.user, 'x', a.path)]\n"
        "    for row in rows:\n"
        "        row.can_remove = can(request.user, 'x', row.path)\n"
        "    return render(request, 't', {'can_reveal': any(can(request.user, 'x', a.path) for a in "
        "parts)})\n",
        encoding="utf-8",
    )
    assert _problems("shows.py") == []
    (tmp_path / "decides.py").write_text(
        "def view(request, parts):\n"
        "    allowed = [a for a in parts if can(request.user, 'x', a.path)]\n"
        "    if any(can(request.user, 'x', a.path) for a in parts):\n"
        "        write(allowed)\n",
        encoding="utf-8",
    )
    assert _problems("decides.py") == [
        "decides.py:2 calls can() to decide something other than what the page shows",
        "decides.py:3 calls can() to decide something other than what the page shows",
    ]
