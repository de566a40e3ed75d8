"""API and upload: a lab's export written with signed words (阴性(-), 阴性（-）, 阴性 -, NEG, 阳性(+)) is
stored through the file upload and the results API alike (the words themselves:
tests/testing/lab/test_result_words.py)."""

import pytest

from firstline.testing.lab.files import results_upload
from firstline.testing.models import TubeResult
from tests.api.test_testing_results import received

pytestmark = pytest.mark.django_db


def test_a_lis_export_with_signed_words_is_stored_by_the_upload_and_the_api(
    api, world, residents, round_, point
):
    received(
        world,
        residents,
        round_,
        point,
        {f"TG000000{i}": residents.b1[i : i + 1] for i in range(1, 6)},
    )
    csv = (
        "试管编码,检测结果,报告时间\n"
        "TG0000001,阴性(-),2022-04-04 18:30\n"
        "TG0000002,阴性（-）,2022-04-04 18:31\n"
        "TG0000003,阴性 -,2022-04-04 18:32\n"
    ).encode("gb18030")
    upload = results_upload(acting_user=world.lab, filename="LIS导出.csv", data=csv)
    assert (upload.stored, upload.refused) == (3, 0), upload.report
    answer = api.post(
        world.lab,
        "/testing/results",
        {
            "results": [
                {"tube_code": "TG0000004", "result": "NEG"},
                {"tube_code": "TG0000005", "result": "阳性(+)"},
            ]
        },
    ).json()
    assert (answer["stored"], answer["refused"]) == (2, 0), answer
    assert dict(TubeResult.objects.values_list("tube__code", "result")) == {
        "TG0000001": "negative",
        "TG0000002": "negative",
        "TG0000003": "negative",
        "TG0000004": "negative",
        "TG0000005": "positive",
    }
