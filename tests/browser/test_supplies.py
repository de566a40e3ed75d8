"""Supplies in a real browser, at a phone's size and a desktop's: the village's 120,000 jin of
lettuce (seed 000) received into the street's store, its thank-you letter printed, and a
stock-take with a variance typed in, its reason asked for, and the difference posted."""

import pytest
from playwright.sync_api import expect

from firstline.supplies.models import MovementKind, Stock, StockTake
from firstline.supplies.services import stock_post
from tests.browser.conftest import sign_in
from tests.factories.supplies import item, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_village_lettuce_is_received_and_the_letter_printed(page, live_server, world):
    street = warehouse(world.street, "大庆路街道物资库")
    lettuce = item("lettuce")
    sign_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/supplies/donations/")
    page.click("[data-testid=donation-add]")
    form = page.locator("[data-testid=donation-form]")
    form.locator("#donor_name").fill("新添堡村")
    form.locator("#donor_kind").select_option("village")
    form.locator("#contact_person").fill("张书记")
    form.locator("#phone").fill("138 0352 0001")
    form.locator("#warehouse").select_option(str(street.pk))
    form.locator("#item-0").select_option(str(lettuce.pk))
    form.locator("input[name=quantity-0]").fill("120,000")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/letter/")
    letter = page.locator("[data-testid=letter]")
    expect(letter.locator("h1")).to_have_text("感谢信")
    assert letter.locator("[data-testid=letter-line]").all_inner_texts() == ["生菜 120000 jin (斤)"]
    assert "S街道" in letter.inner_text()
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("button[data-print]")).to_be_hidden()
    page.emulate_media(media="screen")
    assert Stock.objects.get(warehouse=street, item=lettuce).quantity == 120000
    page.goto(f"{live_server.url}/supplies/donations/")
    assert page.locator("[data-testid=donor-phone]").all_inner_texts() == ["138****0001"]


def test_a_stock_take_with_a_variance_needs_its_reason(page, live_server, world):
    store = warehouse(world.c1, "C1社区库房")
    oil, rice = item("oil"), item("rice")
    for it, quantity in ((oil, 40), (rice, 60)):
        stock_post(
            acting_user=world.staff, warehouse=store, item=it, kind=MovementKind.RECEIPT, quantity=quantity
        )
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/supplies/warehouses/{store.pk}/")
    page.click("text=Stock-take")
    oil_row = page.locator("[data-testid=count-row][data-item=食用油]")
    rice_row = page.locator("[data-testid=count-row][data-item=大米]")
    oil_row.locator("input").fill("38")
    expect(oil_row.locator("[data-testid=variance]")).to_have_text("-2")
    rice_row.locator("input").fill("60")
    expect(rice_row.locator("[data-testid=variance]")).to_have_text("0")
    # The reason is required where the count differs: the browser keeps the form until it is given.
    assert oil_row.locator("select").evaluate("el => el.required") is True
    assert rice_row.locator("select").evaluate("el => el.required") is False
    oil_row.locator("select").select_option("damaged")
    page.check("input[name=disinfected]")
    page.click("text=Record the stock-take")
    page.wait_for_url(f"**/supplies/warehouses/{store.pk}/")
    expect(page.locator("[data-testid=last-take]")).to_contain_text("disinfected")
    expect(
        page.locator("[data-testid=stock-row][data-item=食用油] [data-testid=stock-quantity]")
    ).to_have_text("38")
    assert StockTake.objects.get().disinfected is True
    first = page.locator("[data-testid=ledger-row]").first
    assert (
        "Stock-take" in first.inner_text() and "-2" in first.inner_text() and "Damaged" in first.inner_text()
    )
