"""An unexpected error in the API: JSON without a traceback (DEBUG or not), the traceback in the log."""

import logging

import pytest
from django.test import override_settings

from firstline.areas import selectors

CLEAR_ID = "11010519491231002X"


def _broken(**kwargs):
    int(CLEAR_ID)  # what a bug looks like: it quotes its input


@pytest.mark.parametrize("debug", [True, False])
def test_an_api_500_answers_json_and_logs_the_traceback_without_the_id_number(
    world, api, monkeypatch, caplog, debug
):
    monkeypatch.setattr(selectors, "area_roots_for", _broken)
    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR, logger="firstline.api"):
        answer = api.get(world.staff, "/areas")
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json() == {"detail": "Server error.", "code": "server_error"}
    assert b"Traceback" not in answer.content and CLEAR_ID.encode() not in answer.content
    (record,) = [r for r in caplog.records if r.name == "firstline.api"]
    logged = record.getMessage()
    assert logged.startswith("API error on GET /api/v1/areas\nTraceback (most recent call last):")
    assert (
        "in _broken" in logged
        and "ValueError: invalid literal for int() with base 10: '110***********002X'" in logged
    )
    assert CLEAR_ID not in logged and CLEAR_ID[:-1] not in logged


def test_the_log_handler_masks_id_numbers_in_every_record():
    from firstline.common.redact import RedactIdNumbers

    try:
        int(CLEAR_ID)
    except ValueError:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "looked up %s and %s",
            (CLEAR_ID, "E98765432"),
            exc_info=__import__("sys").exc_info(),
        )
    assert RedactIdNumbers().filter(record) is True
    text = logging.Formatter().format(record)
    assert text.splitlines()[0] == "looked up 110***********002X and E****5432"
    assert CLEAR_ID not in text and "E98765432" not in text
    assert text.splitlines()[-1] == "ValueError: invalid literal for int() with base 10: '110***********002X'"
