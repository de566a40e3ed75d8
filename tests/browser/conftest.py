"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

Each page test runs at a phone's viewport (390×844) and a desktop's. Without Chromium the tests
skip with the reason; CI sets FIRSTLINE_REQUIRE_CHROMIUM=1 so that they fail instead.

Every page a test opens is watched for Content-Security-Policy violations (Chromium's "Refused to
..." console errors, and the page's own securitypolicyviolation events): a test whose pages broke
the policy fails, so a new inline script, style attribute or eval is caught where it is added.

Every page is also checked by axe-core (axe-playwright-python's copy, injected through DevTools so
the policy does not block it): a serious or critical violation of WCAG 2 A/AA or of axe's best
practices fails the test that visited the page, naming the rule, its targets and the URL. Each URL
pattern (ids replaced by <id>) is checked once per session when it loads, and once more as the test
leaves it (after its htmx swaps). FIRSTLINE_AXE=0 turns the check off locally; CI runs it.
"""

import functools
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

# Waiting is done with expect() and locators, never page.wait_for_function("..."): Playwright runs
# that string through eval in the page, which the Content-Security-Policy refuses. A page that
# uploads with backoff may take longer than expect()'s default 5 s.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PASSWORD = "pass-for-tests-1"

# Runs in every page before its own scripts; DevTools injects it, so the policy does not block it.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked} at ${where}`);
});
"""


AXE_ON = os.environ.get("FIRSTLINE_AXE", "1") != "0"
AXE_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
_AXE_CHECKED: set[str] = set()  # URL patterns already checked in this session
_AXE_LEFT_EARLY: set[str] = set()  # patterns a test left before their check was done
# Not checked: django-ninja's Swagger UI, third-party markup for developers, no role's page.
AXE_SKIP = ("/api/v1/docs",)


@functools.cache
def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def url_pattern(url: str) -> str | None:
    """A page without its ids: /rounds/12/doors/345/?q=x → /rounds/<id>/doors/<id>/?q."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path.startswith(AXE_SKIP):
        return None
    segments = ["<id>" if re.search(r"\d", seg) or len(seg) > 24 else seg for seg in parts.path.split("/")]
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.netloc.split(":")[0] + "/".join(segments) + ("?" + "&".join(keys) if keys else "")


class AxeWatch:
    """Runs axe-core on the pages of one browser context; `violations` fills as the test goes."""

    def __init__(self, context, checked: set[str] | None = None):
        self.violations: list[str] = []
        self.checked = _AXE_CHECKED if checked is None else checked
        self.running = 0
        if AXE_ON:
            context.on("page", lambda page: page.on("load", self.check))

    def check(self, page, when: str = "") -> None:
        key = url_pattern(page.url)
        if key is None or (key := key + when) in self.checked:
            return
        self.checked.add(key)
        self.running += 1
        try:
            page.evaluate(_axe_source())
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        except PlaywrightError:  # the page went on before axe was done: a later visit checks it
            self.checked.discard(key)
            _AXE_LEFT_EARLY.add(key)
            return
        finally:
            self.running -= 1
        for rule in results["violations"]:
            if rule["impact"] in AXE_IMPACTS:
                targets = ", ".join(" ".join(map(str, node["target"])) for node in rule["nodes"][:8])
                more = f" (+{len(rule['nodes']) - 8} more)" if len(rule["nodes"]) > 8 else ""
                why = " ".join((rule["nodes"][0].get("failureSummary") or "").split())[:300]
                where = f"{page.url}{when}: {rule['id']} ({rule['impact']})"
                self.violations.append(f"{where} {rule['help']}: {targets}{more} — {why}")

    def settle(self, context) -> None:
        """Before the context closes: let running checks finish, then check each page as left."""
        if not AXE_ON:
            return
        deadline = time.monotonic() + 20
        for page in context.pages:
            while self.running and time.monotonic() < deadline and not page.is_closed():
                page.wait_for_timeout(50)
        for page in context.pages:
            if not page.is_closed():
                self.check(page, " (as the test left it)")


def _is_violation(text: str) -> bool:
    return "Refused to" in text or "Content Security Policy" in text or text.startswith("CSP violation")


class Violations(list):
    """The CSP violations of a context's pages; `.axe` holds its axe-core watch."""

    axe: AxeWatch


def watch_policy(context) -> Violations:
    """Collect the CSP violations (and axe-core's) of every page of `context` as the test goes."""
    violations = Violations()
    violations.axe = AxeWatch(context)
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_page(page):
        page.on(
            "console",
            lambda message: _is_violation(message.text) and violations.append(f"{page.url}: {message.text}"),
        )
        page.on(
            "pageerror", lambda error: _is_violation(str(error)) and violations.append(f"{page.url}: {error}")
        )

    context.on("page", on_page)
    return violations


def close_watched(context, violations: Violations) -> None:
    """Close a watched context once axe-core has checked its pages as the test left them."""
    violations.axe.settle(context)
    context.close()


def fail_on_violations(violations: list[str]) -> None:
    """Fail the test on its pages' CSP violations and on axe-core's serious or critical findings."""
    found = []
    if violations:
        found.append("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))
    axe = getattr(violations, "axe", None)
    if axe is not None and axe.violations:
        found.append(
            "axe-core: serious or critical accessibility violations:\n"
            + "\n".join(dict.fromkeys(axe.violations))
        )
    if found:
        pytest.fail("\n\n".join(found), pytrace=False)


def _axe_tally_dir() -> Path | None:
    """Where the workers of one xdist run leave what axe-core checked, for the controller's summary
    (named by the controller's process, the workers' parent)."""
    controller = os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()
    return Path(tempfile.gettempdir()) / f"firstline-axe-{controller}"


def pytest_sessionfinish(session):
    folder, worker = _axe_tally_dir(), os.environ.get("PYTEST_XDIST_WORKER")
    if folder and worker and (_AXE_CHECKED or _AXE_LEFT_EARLY):
        folder.mkdir(exist_ok=True)
        tally = {"checked": sorted(_AXE_CHECKED), "left": sorted(_AXE_LEFT_EARLY)}
        (folder / f"{worker}.json").write_text(json.dumps(tally), encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    """Say which pages axe-core never finished checking: each was left at once and never seen again.
    Under xdist the workers' tallies are read back and joined (a page checked by any worker counts)."""
    checked, left = set(_AXE_CHECKED), set(_AXE_LEFT_EARLY)
    folder = _axe_tally_dir()
    if folder and folder.is_dir() and not os.environ.get("PYTEST_XDIST_WORKER"):
        for tally in folder.glob("*.json"):
            data = json.loads(tally.read_text(encoding="utf-8"))
            checked |= set(data["checked"])
            left |= set(data["left"])
        shutil.rmtree(folder, ignore_errors=True)
    unchecked = sorted(key for key in left - checked if not key.endswith(")"))
    if AXE_ON and (checked or unchecked):
        terminalreporter.write_line(
            f"axe-core checked {len(checked)} page states; left before their check: "
            + (", ".join(unchecked) or "none")
        )


def pytest_generate_tests(metafunc):
    """A browser test runs at a phone's size; `@pytest.mark.viewports("phone", "desktop")` adds a
    desktop's where the layout differs in a way the test checks (the header, the building map)."""
    if "page" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("viewports")
        names = list(marker.args) if marker else ["phone"]
        metafunc.parametrize("page", names, indirect=True)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = "Chromium is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("FIRSTLINE_REQUIRE_CHROMIUM"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-US")
    context.set_default_timeout(10_000)
    violations = watch_policy(context)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    close_watched(context, violations)
    fail_on_violations(violations)


@pytest.fixture
def zh_page(browser):
    """A phone whose browser asks for Chinese: the pages must answer in Chinese."""
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    context.set_default_timeout(10_000)
    violations = watch_policy(context)
    page = context.new_page()
    yield page
    close_watched(context, violations)
    fail_on_violations(violations)


def open_menu(page) -> None:
    """Open the header's menu where it is a button (phones); from 800 px its links are inline."""
    menu = page.locator("header details.menu")
    summary = menu.locator("summary")
    if summary.is_visible() and menu.get_attribute("open") is None:
        summary.click()


def nav_to(page, name: str) -> None:
    """Follow a link of the header's menu, as a person would at this screen's width."""
    open_menu(page)
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # the session cookie is set before the next page is asked for
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
