"""Limits on what reviewers and chairs type (hard character limits: a field error past them)."""

from grants.validators import LONG_TEXT_MAX

# Each text of a review: the overall paragraph, the comments, and each criterion's
# explanation, strengths and weaknesses.
REVIEW_TEXT_MAX = LONG_TEXT_MAX
# The chair's resume of discussion (the same limit on the web form and the API).
RESUME_MAX = 10_000
