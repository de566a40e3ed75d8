import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, watch_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_their_community(page, live_server, world):
    sign_in(page, live_server, "staff")
    assert page.locator("a.tile").all_inner_texts() == ["Community C1社区"]


def test_wrong_password_is_refused(page, live_server, world):
    sign_in(page, live_server, "staff", "wrong-password")
    assert (
        page.locator("[role=alert]").inner_text()
        == "Your username and password did not match. Please try again."
    )


def test_the_policy_is_enforced_and_a_violation_is_caught(browser, live_server, world):
    """What the other tests rely on: the browser refuses an inline script, and the watcher sees it."""
    context = browser.new_context(locale="en-US")
    violations = watch_policy(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.evaluate("""() => {
        document.addEventListener("securitypolicyviolation", () => {
            document.body.dataset.refused = "yes";
        });
        const script = document.createElement("script");
        script.textContent = "document.body.dataset.ran = 'yes'";
        document.body.append(script);
    }""")
    # The watcher's listener was added first: its report is in by the time the page's own one ran.
    expect(page.locator("body")).to_have_attribute("data-refused", "yes")
    assert page.locator("body").get_attribute("data-ran") is None
    context.close()
    assert [v.split(": ", 1)[1].rsplit(" at ", 1)[0] for v in violations if "CSP violation" in v] == [
        "CSP violation: script-src-elem blocked inline"
    ]


def test_the_api_docs_load_under_the_policy(page, live_server, world):
    page.goto(f"{live_server.url}/api/v1/docs")
    assert page.url == f"{live_server.url}/login/?next=/api/v1/docs"
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-for-tests-1")
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("firstline API")
    page.wait_for_load_state("networkidle")


def test_a_refused_action_shows_what_the_role_lacks_and_changes_nothing(
    page, zh_page, live_server, world, round_
):
    """A volunteer who opens a round's export (staff's work) meets the 403 page, in English and in
    Chinese, fitting a phone without scrolling sideways."""
    from firstline.common.models import AuditEntry

    before = AuditEntry.objects.filter(action="testing.export").count()
    for browser_page, heading, reason in (
        (page, "Not allowed", "Your role does not allow you to export a round's list."),
        (zh_page, "无权操作", "您的角色无权导出轮次名单。"),
    ):
        sign_in(browser_page, live_server, "volunteer")
        response = browser_page.goto(f"{live_server.url}/testing/rounds/{round_.pk}/export/{world.p1.pk}/")
        assert response.status == 403
        card = browser_page.get_by_test_id("forbidden")
        expect(card.locator("h1")).to_have_text(heading)
        expect(card.get_by_role("alert")).to_have_text(reason)
        assert (
            browser_page.evaluate("document.documentElement.scrollWidth")
            <= browser_page.viewport_size["width"]
        )
    assert AuditEntry.objects.filter(action="testing.export").count() == before
