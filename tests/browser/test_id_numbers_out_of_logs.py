"""An ID number searched for through every search box and the API reaches no log line and no address.

The live server answers here with Django's runserver request handler, so that it writes the same
access log `manage.py runserver` writes (the request line of every request, query string included);
every log record of the process, that one included, is kept and searched for the number, and so is
every address the browser asked for or showed (each page it navigated to is an entry of its history).
"""

import json
import logging
import time
import urllib.request

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from firstline.accounts.services import api_token_create
from tests.browser.conftest import sign_in
from tests.conftest import household
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID = "11010519491231002X"
TYPED = {
    "search": "11010519491231002x",
    "desk": "110105 19491231 002X",
    "door": "１１０１０５１９４９１２３１００２Ｘ",
}
# The number, its digits without the check digit, and the pieces a typed number falls into.
FORBIDDEN = (ID, ID.lower(), ID[:17], "110105", "19491231", "%EF%BC%91%EF%BC%91%EF%BC%90")


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()} {record.args!r}")


@pytest.fixture
def every_log_line(live_server):
    """Every log record of the process while the test runs, at DEBUG, the access log included."""
    kept = _Kept()
    names = ["", "django", "django.server", "django.request", "django.security", "firstline"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(kept)
        logger.setLevel(logging.DEBUG)
    server = live_server.thread.httpd
    quiet = server.RequestHandlerClass
    server.RequestHandlerClass = WSGIRequestHandler  # runserver's: logs each request line to django.server
    yield kept.lines
    server.RequestHandlerClass = quiet
    for logger, level in levels:
        logger.removeHandler(kept)
        logger.setLevel(level)


def test_searching_by_id_number_everywhere_leaves_it_in_no_log_line_and_no_address(
    page, live_server, world, residents, round_, point, every_log_line
):
    PersonFactory(
        acting_user=world.staff, household=household(world.b1, "101"), name="王芳", id_number=ID, phone=None
    )
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    page.on("framenavigated", lambda frame: addresses.append(frame.url))
    sign_in(page, live_server, "staff")

    # The search page: results, a refresh, back to the form and forward to the results again.
    page.goto(f"{live_server.url}/search/")
    page.fill("input[name=q]", TYPED["search"])
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    taken_as = page.locator("[data-testid=taken-as]")
    assert taken_as.inner_text() == "Looked for an ID number (exact): 110***********002X. 1 person found"
    page.reload()
    assert taken_as.inner_text() == "Looked for an ID number (exact): 110***********002X. 1 person found"
    page.go_back()
    page.go_forward()
    assert page.locator("table a").first.inner_text() == "王芳"

    # The desk's finder, and the door-to-door page's.
    page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/desk/?point={point.pk}&desk=1")
    page.wait_for_selector("html[data-capture-ready]")
    for where in ("desk", "door"):
        if where == "door":
            page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/door/{world.b1.pk}/")
            page.wait_for_selector("html[data-capture-ready]")
        page.click("#cap-find summary")
        page.fill("[data-testid=find]", TYPED[where])
        page.press("[data-testid=find]", "Enter")
        page.wait_for_selector("[data-testid=found-person]")
        assert page.locator("[data-testid=found-person] strong").all_inner_texts() == ["王芳"]

    # The antigen page's door finder, should a number be typed into it.
    page.goto(f"{live_server.url}/antigen/")
    page.fill("input[name=q]", TYPED["search"])
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert page.locator("[role=alert]").inner_text() == "Find the household by its door, e.g. 1-2-501."

    # The API.
    _token, key = api_token_create(acting_user=world.staff, user=world.staff, name="log test")
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/people/search",
        data=json.dumps({"q": ID.lower()}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310 (the live test server)
        body = json.loads(answer.read())
    assert (body["query_kind"], [p["name"] for p in body["items"]]) == ("id_number", ["王芳"])

    addresses.append(page.url)
    # The server writes a request's line once its answer is sent: wait for the last ones to arrive.
    expected = [
        "POST /search/ HTTP/1.1",
        f"POST /testing/rounds/{round_.pk}/find/ HTTP/1.1",
        "POST /antigen/ HTTP/1.1",
        "POST /api/v1/people/search HTTP/1.1",
        "GET /search/?k=",
    ]
    for _wait in range(100):
        access = [line for line in every_log_line if line.startswith("django.server")]
        if all(any(request in line for line in access) for request in expected):
            break
        time.sleep(0.05)
    assert [request for request in expected if not any(request in line for line in access)] == []
    leaks = [text for text in every_log_line + addresses for piece in FORBIDDEN if piece in text]
    assert leaks == []
