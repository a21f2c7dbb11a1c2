"""The review sheet's score groups as Orca heard them (docs/screen-reader.md): each score is one
radio group named "Score for <criterion>", and a missing score marks its radios invalid and
describes each with the message."""

import re

import pytest
from django.urls import reverse

from reviews import services
from reviews.choices import CriterionKind
from reviews.models import Assignment, Criterion
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def open_tags(html: str, pattern: str) -> list[str]:
    return re.findall(rf"<{pattern}[^>]*>", html)


@pytest.fixture
def sheet(staffed):
    assignment = Assignment.objects.filter(proposal__call=staffed.call).order_by("pk").first()
    services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)
    return assignment


def test_each_score_is_one_radio_group_named_by_its_legend(sheet):
    html = (
        signed_in(sheet.reviewer).get(reverse("reviews:review", args=[sheet.pk])).content.decode()
    )
    criteria = list(Criterion.objects.filter(call=sheet.proposal.call))

    groups = open_tags(html, 'fieldset[^>]*role="radiogroup"')
    # One per criterion and one for the overall impact; no second group nested inside.
    assert len(groups) == len(criteria) + 1
    assert html.count('role="radiogroup"') == len(criteria) + 1
    assert '<div class="score-buttons">' in html
    for criterion in criteria:
        kind = "score" if criterion.kind == CriterionKind.SCORE else "sufficient"
        legend_id = f"c{criterion.pk}_{kind}_legend"
        assert any(f'aria-labelledby="{legend_id}"' in g for g in groups)
        # "Score for X", not "Scorefor X": the hidden words start with a no-break space.
        assert re.search(
            rf'<legend id="{legend_id}">(Score|Rating)<span class="visually-hidden">&nbsp;for '
            rf"{re.escape(criterion.name)}</span></legend>",
            html,
        )
    assert any('aria-labelledby="overall_impact_legend"' in g for g in groups)


def test_an_untouched_sheet_marks_nothing_invalid(sheet):
    html = (
        signed_in(sheet.reviewer).get(reverse("reviews:review", args=[sheet.pk])).content.decode()
    )

    assert 'aria-invalid="true"' not in html


def test_a_missing_score_marks_its_radios_invalid_and_describes_the_group(sheet):
    criteria = list(Criterion.objects.filter(call=sheet.proposal.call).order_by("pk"))
    scored = next(c for c in criteria if c.kind == CriterionKind.SCORE)
    response = signed_in(sheet.reviewer).post(
        reverse("reviews:review", args=[sheet.pk]),
        {"action": "submit", "version": "0", f"c{scored.pk}_score": "2"},
    )
    html = response.content.decode()

    assert response.status_code == 200
    for criterion in criteria:
        name = (
            f"c{criterion.pk}_{'score' if criterion.kind == CriterionKind.SCORE else 'sufficient'}"
        )
        radios = open_tags(html, f'input type="radio"[^>]*name="{name}"')
        assert radios, name
        if criterion == scored:
            assert not any("aria-invalid" in r for r in radios)
        else:
            # Orca reads a radio's own description, not its group's: the message is on each.
            assert all('aria-invalid="true"' in r for r in radios), name
            assert all(f'aria-describedby="c{criterion.pk}_errors"' in r for r in radios), name
            assert f'id="c{criterion.pk}_errors"' in html
    overall = open_tags(html, 'input type="radio"[^>]*name="overall_impact"')
    assert len(overall) == 9
    assert all('aria-invalid="true" aria-describedby="overall_impact_errors"' in r for r in overall)
    assert 'id="overall_impact_errors"' in html


def test_the_error_summary_names_each_criterion_once(sheet):
    criteria = list(Criterion.objects.filter(call=sheet.proposal.call).order_by("pk"))
    response = signed_in(sheet.reviewer).post(
        reverse("reviews:review", args=[sheet.pk]), {"action": "submit", "version": "0"}
    )

    texts = [problem["text"] for problem in response.context["error_summary"]]

    for criterion in criteria:
        (said,) = [t for t in texts if criterion.name in t]
        assert said.count(criterion.name) == 1, said
    scored = next(c for c in criteria if c.kind == CriterionKind.SCORE)
    assert f"Score {scored.name}." in texts
