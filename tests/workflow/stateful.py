"""What the stateful machines of tests/workflow share (hypothesis' rule-based testing of real
service calls): the refusals a service may answer with, the count of the stages the runs
reached, one world per example in a savepoint, and the run settings.

`make test` runs a bounded, fixed set of sequences; a longer random run sets
NORTHSTAR_STATEFUL_EXAMPLES (and NORTHSTAR_STATEFUL_STEPS)."""

import os
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine

from grants.models import Proposal
from grants.services import InvalidTransition

# What a service may answer instead of doing the thing: each is a refusal with a message.
REFUSALS = (ValidationError, PermissionDenied, InvalidTransition, Proposal.DoesNotExist)

# How often each stage was reached over a run: the tests check the sequences got somewhere.
REACHED: Counter = Counter()


def attempt(action, label: str = "") -> bool:
    """Run a service call; True if it went through, False if it was refused. ``label``led
    successes are counted in ``REACHED`` (up to a " (" in the label)."""
    try:
        action()
    except REFUSALS:
        return False
    if label:
        REACHED[label.split(" (")[0]] += 1
    return True


def stateful_settings(*, examples: int, steps: int = 40):
    """``examples`` sequences of ``steps`` steps, the same every run unless
    NORTHSTAR_STATEFUL_EXAMPLES asks for a longer random one."""
    return settings(
        max_examples=int(os.environ.get("NORTHSTAR_STATEFUL_EXAMPLES", examples)),
        stateful_step_count=int(os.environ.get("NORTHSTAR_STATEFUL_STEPS", steps)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        derandomize=not os.environ.get("NORTHSTAR_STATEFUL_EXAMPLES"),
    )


class InSavepoint(RuleBasedStateMachine):
    """Each example runs in its own savepoint, rolled back at teardown: a fresh world."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
