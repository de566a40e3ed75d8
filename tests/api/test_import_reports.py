"""The import report through the API: refusals and warnings by row and column, every count."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firstline.common.identity import resident_id_check_digit

pytestmark = pytest.mark.django_db(transaction=True)


def _id(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


def test_the_job_answers_its_warnings_and_counts(world):
    from tests.api.conftest import ApiClient

    api = ApiClient()
    text = (
        "\n".join(
            [
                "楼号,单元,房号,姓名,证件号码,与户主关系,人员类型,特殊人群",
                f"1号楼,1,501,王芳,{_id('11010519800101002')},户主,流动人口,孕妇(预产期2022-12-20)",
                ",,,王小明,E12345678,表舅,,",
                ",,,,,,,",
                "1号楼,1,1502,李四,1.10105E+17,户主,,",
            ]
        )
        + "\n"
    )
    response = api.client.post(
        "/api/v1/imports",
        {"area_id": world.p1.pk, "file": SimpleUploadedFile("名单.csv", text.encode())},
        HTTP_AUTHORIZATION=f"Bearer {api.key_for(world.staff)}",
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert {
        k: job[k]
        for k in (
            "created_count",
            "rejected_count",
            "warned_count",
            "blank_rows",
            "place_rows",
            "filled_rows",
            "error_count",
            "warning_count",
        )
    } == {
        "created_count": 2,
        "rejected_count": 1,
        "warned_count": 1,
        "blank_rows": 1,
        "place_rows": 0,
        "filled_rows": 1,
        "error_count": 2,
        "warning_count": 1,
    }
    assert job["warnings"] == [
        {
            "row": 3,
            "field": "relation",
            "column": "与户主关系",
            "value": "表舅",
            "message": (
                "'表舅' is not a value firstline knows for relation: stored as Other, and the text is kept "
                "in the note."
            ),
        }
    ]
    assert [(e["row"], e["field"], e["column"]) for e in job["errors"]] == [
        (5, "door", "房号"),
        (5, "id_number", "证件号码"),
    ]
