"""The result words real LIS exports write, read by the one parser the upload, the API and the lab
page share (`testing.lab.services.result_kind`): 阴性(-) in half- and full-width brackets, a word and its
sign, NEG/POS, Negative, a bare sign, 无效; a word and a sign that disagree are refused."""

import pytest
from django.core.exceptions import ValidationError

from firstline.testing.lab.services import result_kind

pytestmark = pytest.mark.django_db

SHAPES = [
    ("阴性(-)", "negative"),
    ("阴性（-）", "negative"),
    ("阴性（－）", "negative"),
    ("阴性(−)", "negative"),
    ("阴性 -", "negative"),
    ("阴性", "negative"),
    ("NEG", "negative"),
    ("Negative", "negative"),
    ("negative (-)", "negative"),
    ("-", "negative"),
    ("(-)", "negative"),
    ("阳性(+)", "positive"),
    ("阳性（+）", "positive"),
    ("POS", "positive"),
    ("Positive", "positive"),
    ("+", "positive"),
    ("无效", "invalid"),
    (" 无效 ", "invalid"),
]


@pytest.mark.parametrize(("word", "kind"), SHAPES)
def test_every_shape_labs_write_is_read(word, kind):
    assert result_kind(word) == kind


@pytest.mark.parametrize("word", ["阴性(+)", "阳性(-)", "阳性-", "HELLO", "", "+-", "阴性(?)"])
def test_a_word_and_a_sign_that_disagree_or_no_result_are_refused(word):
    with pytest.raises(ValidationError) as refused:
        result_kind(word)
    assert refused.value.code == "result"
