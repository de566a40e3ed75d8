"""API: lab results — a batch from the lab's system (retried: stored once), and a lab's file with Chinese
headers.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firstline.testing.capture.services import scans_record
from firstline.testing.models import LabMapping, ResultUpload, Sample, Tube, TubeResult
from firstline.testing.transport import services as transport
from tests.factories.accounts import UserFactory
from tests.factories.testing import BoxFactory
from tests.testing.fixtures import desk_scan

pytestmark = pytest.mark.django_db


def received(world, residents, round_, point, tubes: dict[str, list]):
    for code, people in tubes.items():
        scans_record(
            acting_user=world.volunteer,
            round=round_,
            scans=[desk_scan(point, code, residents.codes[p.pk]) for p in people],
        )
    box = BoxFactory(
        acting_user=world.volunteer, round=round_, code="BOX-001", point=point, tubes=list(tubes), packed=True
    )
    transport.box_receive(acting_user=world.lab, box=box, counted=len(tubes))


def upload(api, user, filename: str, text: str, **fields):
    data = {"file": SimpleUploadedFile(filename, text.encode("utf-8"), content_type="text/csv"), **fields}
    return api.client.post(
        "/api/v1/testing/results/upload", data, HTTP_AUTHORIZATION=f"Bearer {api.key_for(user)}"
    )


def _results():
    return (
        list(TubeResult.objects.order_by("pk").values_list("tube__code", "result", "source", "source_ref")),
        list(Tube.objects.order_by("pk").values_list("code", "result")),
        sorted(Sample.objects.values_list("tube__code", "state")),
        ResultUpload.objects.count(),
    )


def test_a_retried_batch_of_results_is_stored_once(api, world, residents, round_, point):
    received(world, residents, round_, point, {"TG0000001": residents.b1[:2], "TG0000002": residents.b1[2:4]})
    batch = {
        "results": [
            {"tube_code": "TG0000001", "result": "阴性"},
            {
                "tube_code": "tg0000002",
                "result": " Negative ",
                "source_ref": "LIS-42",
                "reported_at": "2022-04-04T18:00:00+08:00",
            },
            {"tube_code": "TG0000003", "result": "negative"},
            {"tube_code": "TG0000001", "result": "maybe"},
        ]
    }
    first = api.post(world.lab, "/testing/results", batch)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["stored"], body["duplicates"], body["refused"]) == (2, 0, 2)
    assert [(o["tube_code"], o["status"], o["result"], o["code"]) for o in body["outcomes"]] == [
        ("TG0000001", "stored", "negative", ""),
        ("TG0000002", "stored", "negative", ""),
        ("TG0000003", "refused", "negative", "tube_unknown"),
        ("TG0000001", "refused", "", "invalid"),
    ]
    assert body["outcomes"][2]["message"] == "No tube TG0000003 is known to this lab."
    assert (
        body["outcomes"][3]["message"]
        == "'maybe' is not a result: negative, positive or invalid (阴性, 阳性, 无效)."
    )
    again = api.post(world.lab, "/testing/results", batch).json()
    assert (again["stored"], again["duplicates"], again["refused"]) == (0, 2, 2)
    assert sorted(TubeResult.objects.values_list("tube__code", "source", "source_ref")) == [
        ("TG0000001", "api", ""),
        ("TG0000002", "api", "LIS-42"),
    ]
    assert set(Sample.objects.values_list("state", flat=True)) == {"negative"}
    # A different result for a tube already reported is refused: never overwritten.
    conflict = api.post(
        world.lab, "/testing/results", {"results": [{"tube_code": "TG0000001", "result": "阳性"}]}
    ).json()
    assert (conflict["refused"], conflict["outcomes"][0]["code"]) == (1, "result_conflict")
    assert conflict["outcomes"][0]["message"].startswith(
        "Tube TG0000001 was already reported negative (Lab integration (API), "
    )


def test_a_lab_file_with_chinese_headers(api, world, residents, round_, point):
    received(world, residents, round_, point, {"TG0000001": residents.b1[:2], "TG0000002": residents.b1[2:4]})
    text = (
        "试管编码,检测结果,报告时间\n"
        "tg0000001,阴性,2022-04-04 18:00\n"
        ",,\n"
        "ＴＧ０００００02,阴性,2022/04/04 18:05\n"
        "TG0000001,阴性,昨天\n"
        "TG0000004,也许,\n"
    )
    answer = upload(api, world.lab, "化验结果.csv", text, save_as="金域检验")
    assert answer.status_code == 201, answer.content
    body = dict(answer.json())
    upload_id, _at = body.pop("id"), body.pop("uploaded_at")
    assert body == {
        "filename": "化验结果.csv",
        "mapping": {"试管编码": "tube_code", "检测结果": "result", "报告时间": "reported_at"},
        "rows": 4,
        "stored": 2,
        "duplicates": 0,
        "refused": 2,
        "report": [
            {
                "row": 5,
                "tube": "TG0000001",
                "code": "invalid",
                "message": "'昨天' is not a date (write 2022-04-01).",
            },
            {
                "row": 6,
                "tube": "TG0000004",
                "code": "invalid",
                "message": "'也许' is not a result: negative, positive or invalid (阴性, 阳性, 无效).",
            },
        ],
    }
    assert sorted(TubeResult.objects.values_list("tube__code", "source", "source_ref")) == [
        ("TG0000001", "upload", "化验结果.csv row 2"),
        ("TG0000002", "upload", "化验结果.csv row 4"),
    ]
    assert api.get(world.lab, f"/testing/results/uploads/{upload_id}").json()["report"] == body["report"]
    assert LabMapping.objects.get(name="金域检验").mapping == body["mapping"]
    # A file whose headers nobody knows is read with the mapping sent along with it.
    renamed = upload(
        api,
        world.lab,
        "第二批.csv",
        "编号,结论\nTG0000001,阴性\n",
        mapping=json.dumps({"编号": "tube_code", "结论": "result"}),
    ).json()
    assert (renamed["rows"], renamed["duplicates"], renamed["mapping"]) == (
        1,
        1,
        {"编号": "tube_code", "结论": "result"},
    )


def test_file_faults_are_named_and_change_nothing(api, world, residents, round_, point):
    received(world, residents, round_, point, {"TG0000001": residents.b1[:2]})
    before = _results()
    no_result = upload(api, world.lab, "lab.csv", "试管编码,备注\nTG0000001,阴性\n")
    assert (no_result.status_code, no_result.json()["errors"]) == (
        422,
        {"mapping": ["Say which column holds the result."]},
    )
    not_json = upload(api, world.lab, "lab.csv", "试管编码,检测结果\nTG0000001,阴性\n", mapping="{tube")
    assert (not_json.status_code, not_json.json()["errors"]) == (
        422,
        {"mapping": ["Give the mapping as a JSON object {header: field}."]},
    )
    # A mapping naming headers the file does not have: every row would be lost, so nothing is read.
    wrong_headers = upload(
        api,
        world.lab,
        "lab.csv",
        "试管编码,检测结果\nTG0000001,阴性\n",
        mapping=json.dumps({"Tube": "tube_code", "Result": "result"}),
    )
    assert (wrong_headers.status_code, wrong_headers.json()["errors"]) == (
        422,
        {"mapping": ["The file has no column Tube、Result. Its columns are: 试管编码、检测结果."]},
    )
    unknown_field = upload(
        api,
        world.lab,
        "lab.csv",
        "试管编码,检测结果\nTG0000001,阴性\n",
        mapping=json.dumps({"试管编码": "tube_code", "检测结果": "outcome"}),
    )
    assert (unknown_field.status_code, unknown_field.json()["errors"]) == (
        422,
        {"mapping": ["Unknown fields outcome: map columns to tube_code, result, reported_at."]},
    )
    empty = upload(api, world.lab, "lab.csv", "")
    assert (empty.status_code, empty.json()["errors"]) == (
        422,
        {"file": ["The file is empty: export the results from the lab system again."]},
    )
    header_only = upload(api, world.lab, "lab.csv", "试管编码,检测结果\n\n,\n")
    assert (header_only.status_code, header_only.json()["errors"]) == (
        422,
        {"file": ["The file has its header row but no results under it."]},
    )
    binary = upload(api, world.lab, "lab.csv", "%PDF-1.4\x00\x01\x02 binary")
    assert (binary.status_code, binary.json()["errors"]) == (
        422,
        {
            "file": [
                "This is not a text (CSV) file: save the lab system's export as CSV or XLSX and upload that."
            ]
        },
    )
    not_excel = upload(api, world.lab, "lab.xlsx", "试管编码,检测结果\nTG0000001,阴性\n")
    assert (not_excel.status_code, list(not_excel.json()["errors"])) == (422, ["__all__"])
    long_name = upload(api, world.lab, "lab.csv", "试管编码,检测结果\nTG0000001,阴性\n", save_as="金" * 101)
    assert (long_name.status_code, long_name.json()["errors"]) == (
        422,
        {"save_as": ["At most 100 characters."]},
    )
    # A multipart request with no file in it.
    no_file = api.client.post(
        "/api/v1/testing/results/upload",
        {"mapping": ""},
        HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.lab)}",
    )
    assert (no_file.status_code, no_file.json()["errors"]) == (422, {"file": ["This is missing."]})
    no_body = api.client.generic(
        "POST",
        "/api/v1/testing/results/upload",
        b"",
        content_type="multipart/form-data; boundary=x",
        HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.lab)}",
    )
    assert (no_body.status_code, no_body.json()["errors"]) == (422, {"file": ["This is missing."]})
    assert _results() == before


def test_only_the_lab_of_the_area_reports_and_reads_uploads(api, world, residents, round_, point):
    received(world, residents, round_, point, {"TG0000001": residents.b1[:2]})
    lab_upload = upload(api, world.lab, "lab.csv", "试管编码,检测结果\nTG0000009,阴性\n").json()
    before = _results()
    batch = {"results": [{"tube_code": "TG0000001", "result": "positive"}]}
    staff = api.post(world.staff, "/testing/results", batch)
    assert (staff.status_code, staff.json()["code"]) == (403, "testing.lab")
    assert api.post(world.outsider, "/testing/results", batch).status_code == 403
    other_lab = UserFactory(username="other_lab", role="lab", area=world.c2)
    elsewhere = api.post(other_lab, "/testing/results", batch).json()
    assert (elsewhere["refused"], elsewhere["outcomes"][0]["code"]) == (1, "tube_unknown")
    assert upload(api, world.outsider, "lab.csv", "试管编码,检测结果\nTG0000001,阳性\n").status_code == 403
    assert api.get(other_lab, f"/testing/results/uploads/{lab_upload['id']}").status_code == 404
    assert _results() == before
