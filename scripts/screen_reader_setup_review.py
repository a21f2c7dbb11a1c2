"""Give reviewer1 two assignments in the demo's call in review and open independent review.

Run on a private demo database only (``manage.py shell < this file``), before the screen-reader
pass: the demo leaves that call in the assignment phase, so no reviewer has anything to score.
"""

from django.contrib.auth import get_user_model

from grants.choices import ProposalStatus
from grants.models import Proposal
from reviews.choices import ReviewPhase
from reviews.models import Assignment, CallReview
from reviews.services import assignment_create, review_phase_transition

User = get_user_model()
admin = User.objects.get(username="admin")
reviewer = User.objects.get(username="reviewer1")
proposals = Proposal.objects.filter(status=ProposalStatus.IN_REVIEW).order_by("pk")
call = proposals[0].call
made = Assignment.objects.filter(reviewer=reviewer, proposal__call=call).count()
for proposal in proposals.filter(call=call):
    if made >= 2:
        break
    try:
        assignment_create(proposal=proposal, reviewer=reviewer, actor=admin)
        made += 1
    except Exception as exc:  # conflicted or capped: try the next proposal
        print("skip", proposal.pk, exc)
if CallReview.objects.get(call=call).phase == ReviewPhase.ASSIGNMENT:
    review_phase_transition(call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=admin)
for a in Assignment.objects.filter(reviewer=reviewer, proposal__call=call):
    print("assignment", a.pk, a.proposal_id, a.role)
