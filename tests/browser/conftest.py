"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

Each page test runs at a phone's viewport (390×844) and a desktop's. Without Chromium the tests
skip with the reason; CI sets FIRSTLINE_REQUIRE_CHROMIUM=1 so that they fail instead.

Every page a test opens is watched for Content-Security-Policy violations (Chromium's "Refused to
..." console errors, and the page's own securitypolicyviolation events): a test whose pages broke
the policy fails, so a new inline script, style attribute or eval is caught where it is added.
"""

import os
import shutil

import pytest
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


def _is_violation(text: str) -> bool:
    return "Refused to" in text or "Content Security Policy" in text or text.startswith("CSP violation")


def watch_policy(context) -> list[str]:
    """Collect the CSP violations of every page of `context` (the list fills as the test goes)."""
    violations: list[str] = []
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


def fail_on_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)), pytrace=False
        )


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


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-US")
    context.set_default_timeout(10_000)
    violations = watch_policy(context)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()
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
    context.close()
    fail_on_violations(violations)


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # the session cookie is set before the next page is asked for
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
