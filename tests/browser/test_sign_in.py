import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_their_community(page, live_server, world):
    sign_in(page, live_server, "staff")
    assert page.locator("a.tile").all_inner_texts() == ["Community C1社区"]


def test_wrong_password_is_refused(page, live_server, world):
    sign_in(page, live_server, "staff", "wrong-password")
    assert page.locator("[role=alert]").inner_text() == "Your username and password did not match. Please try again."
