import pytest
from django.core.management import call_command

from firstline.errands.models import HelpOffer, HelpRequest


@pytest.mark.django_db
def test_the_demo_holds_the_seeds_requests_in_various_states(capsys):
    call_command("load_demo", "--small")
    states = dict(
        HelpRequest.objects.values_list("category", "state").filter(
            category__in=["formula", "hospital", "documents", "groceries"]
        )
    )
    assert states == {
        "formula": "assigned",
        "hospital": "confirmed",
        "documents": "open",
        "groceries": "assigned",
    }
    insulin = HelpRequest.objects.get(details__contains="胰岛素")
    assert (
        insulin.urgency,
        insulin.rank,
        insulin.escalated_at is not None,
        insulin.household.parent.parent.risk_status
        if insulin.household.parent.kind == "unit"
        else insulin.household.parent.risk_status,
    ) == ("critical", 0, True, "sealed")
    assert HelpRequest.objects.get(details__contains="脑梗").state == "done"
    assert HelpOffer.objects.get().state == "accepted"
    assert HelpRequest.objects.get(state="confirmed").rating == 5
