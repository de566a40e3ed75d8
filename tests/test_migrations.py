"""The migrations say everything the models say: no change is left without its migration."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # --check exits non-zero when a migration is missing
        pytest.fail(f"Models changed without a migration (run manage.py makemigrations):\n{out.getvalue()}")
    assert out.getvalue().strip() == "No changes detected"
