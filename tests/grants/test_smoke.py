import pytest

from grants.choices import ProposalStatus
from tests.factories import make_submitted_proposal


@pytest.mark.django_db
def test_complete_proposal_submits_and_mails_receipt(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = make_submitted_proposal()

    assert proposal.status == ProposalStatus.SUBMITTED
    assert [m.subject for m in mailoutbox][-1].startswith("[Center of Excellence] Received:")
