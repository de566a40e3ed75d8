"""The import pages with a real property list: every count shown, every problem reachable."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firstline.imports.models import ImportJob
from firstline.web.views import imports as import_views
from tests.imports.property_list import property_list
from tests.imports.test_property_list import compound_of_14_buildings

pytestmark = pytest.mark.django_db(transaction=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_property_list_through_the_pages_shows_every_count_and_pages_its_problems(
    client, world, monkeypatch
):
    monkeypatch.setattr(import_views, "REPORT_PAGE", 25)
    compound = compound_of_14_buildings(world)
    client.force_login(world.staff)
    upload = SimpleUploadedFile("睿和新城居民名单.xlsx", property_list().data)
    answer = client.post(f"/areas/{compound.pk}/import/", {"file": upload, "mode": "keep_valid"})
    job = ImportJob.objects.get()
    assert answer["Location"] == f"/imports/{job.pk}/columns/"
    columns = client.get(f"/imports/{job.pk}/columns/").content.decode()
    headers = re.findall(r'<select name="col-(\d+)" aria-label="([^"]+)">', columns)
    form = {f"col-{index}": job.mapping.get(header, "") for index, header in headers}
    assert client.post(f"/imports/{job.pk}/columns/", form)["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()

    page = _text(client.get(f"/imports/{job.pk}/").content.decode())
    for shown in (
        "People added: 2938 (26 of them with a warning)",
        "Doors added: 490",
        "Rows rejected: 62",
        "Duplicates: 3",
        "Rows that took their building, unit or door from a merged cell or the row above: 2993",
        "Blank rows skipped: 24",
        "Rows naming only a place (no person), skipped: 7",
        "Problems 1–25 of 62",
        "Warnings 1–25 of 26",
        "Download the whole report (CSV)",
    ):
        assert shown in page, shown
    html = client.get(f"/imports/{job.pk}/?refused=3&warned=2").content.decode()
    assert "Problems 51–62 of 62" in _text(html) and "Warnings 26–26 of 26" in _text(html)
    assert html.count("<tr><td>") == 12 + 1
    first_refusal = job.errors[50]
    assert f"<tr><td>{first_refusal['row']}</td><td>{first_refusal['column']}</td>" in html

    report = client.get(f"/imports/{job.pk}/report.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["Row", "Column", "Outcome", "Problem", "Value as written"]
    assert (
        len(rows),
        [r[2] for r in rows[1:]].count("Not stored"),
        [r[2] for r in rows[1:]].count("Stored with a warning"),
    ) == (1 + 62 + 26, 62, 26)
    assert ["Stored with a warning", "表舅"] in [[r[2], r[4]] for r in rows]
