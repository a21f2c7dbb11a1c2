"""The NIMHD framework classification: the applicant's cells (editor and API), derived
domains, frozen at submission, and the program office's audited correction (service, page,
API)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from grants import selectors, services
from grants.choices import NIMHD_CELLS, nimhd_cell_label
from grants.models import Proposal
from tests.api.support import API, api_as
from tests.factories import make_admin, make_proposal, make_submitted_proposal, make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def edit_form(proposal: Proposal, **changes) -> dict:
    """The editor as the browser posts it (only the fields this test cares about)."""
    return {"title": proposal.title, "version": str(proposal.version), **changes}


# ---- The applicant's grid --------------------------------------------------------------------


def test_the_grid_has_twenty_cells_each_labelled_domain_by_level():
    assert len(NIMHD_CELLS) == 20
    assert nimhd_cell_label("behavioral:community") == "Behavioral × Community"


def test_proposal_update_saves_cells_in_grid_order_and_derives_the_domains():
    proposal = make_proposal()

    services.proposal_update(
        proposal=proposal,
        actor=proposal.pi,
        data={
            "nimhd_cells": [
                "health_care_system:societal",
                "behavioral:community",
                "behavioral:individual",
                "behavioral:community",
            ]
        },
    )

    proposal.refresh_from_db()
    assert proposal.nimhd_cells == [
        "behavioral:individual",
        "behavioral:community",
        "health_care_system:societal",
    ]
    assert proposal.nimhd_domains == ["behavioral", "health_care_system"]


@pytest.mark.parametrize(
    "cells", [["behavioral:galactic"], ["behavioral"], ["astrology:community"], [3], "behavioral"]
)
def test_proposal_update_refuses_unknown_cells_and_saves_nothing(cells):
    proposal = make_proposal()
    before = (proposal.nimhd_cells, proposal.nimhd_domains, proposal.version)

    with pytest.raises(ValidationError) as exc:
        services.proposal_update(
            proposal=proposal, actor=proposal.pi, data={"nimhd_cells": cells, "title": "New"}
        )

    proposal.refresh_from_db()
    assert list(exc.value.message_dict) == ["nimhd_cells"]
    assert (proposal.nimhd_cells, proposal.nimhd_domains, proposal.version) == before
    assert proposal.title != "New"


def test_clearing_every_cell_leaves_the_domains_empty_and_blocks_submission():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"nimhd_cells": ["behavioral:community"]}
    )
    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"nimhd_cells": []})

    blockers = {b.field for b in selectors.proposal_blockers(proposal)}

    proposal.refresh_from_db()
    assert proposal.nimhd_domains == []
    assert "nimhd_domains" in blockers


def test_editor_shows_the_grid_as_a_table_of_labelled_checkboxes():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"nimhd_cells": ["behavioral:community"]}
    )

    html = signed_in(proposal.pi).get(reverse("grants:proposal_edit", args=[proposal.pk]))
    html = html.content.decode()

    assert '<table class="nimhd-grid">' in html
    assert html.count('name="nimhd_cells"') == 20
    assert (
        'value="behavioral:community" id="id_nimhd_cells_behavioral_community" checked>'
        '<label for="id_nimhd_cells_behavioral_community"><span class="visually-hidden">'
        "Behavioral × Community</span>"
    ) in html
    assert '<th scope="row">Physical / built environment</th>' in html


def legacy_draft() -> Proposal:
    """A draft written before the grid: domains named, no cells."""
    proposal = make_proposal()
    Proposal.objects.filter(pk=proposal.pk).update(
        nimhd_domains=["behavioral", "health_care_system"], nimhd_cells=[]
    )
    proposal.refresh_from_db()
    return proposal


def test_an_editor_save_of_a_draft_from_before_the_grid_keeps_its_domains():
    proposal = legacy_draft()

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]), edit_form(proposal, title="Renamed")
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.title == "Renamed"
    assert proposal.nimhd_domains == ["behavioral", "health_care_system"]
    assert "nimhd_domains" not in {b.field for b in selectors.proposal_blockers(proposal)}


def test_the_grid_marks_the_rows_a_draft_named_before_the_grid_and_ticking_replaces_them():
    proposal = legacy_draft()
    client = signed_in(proposal.pi)

    html = client.get(reverse("grants:proposal_edit", args=[proposal.pk])).content.decode()

    assert html.count("named before the grid: tick its levels") == 2
    assert (
        '<th scope="row">Behavioral <span class="note">(named before the grid: tick its '
        "levels)</span></th>"
    ) in html
    client.post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        edit_form(proposal, nimhd_cells=["behavioral:community"]),
    )
    proposal.refresh_from_db()
    assert proposal.nimhd_domains == ["behavioral"]
    html = client.get(reverse("grants:proposal_edit", args=[proposal.pk])).content.decode()
    assert "named before the grid" not in html


def test_the_checklist_asks_for_a_cell_when_nothing_is_classified():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"nimhd_cells": ["behavioral:community"]}
    )
    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"nimhd_cells": []})

    messages = [
        b.message for b in selectors.proposal_blockers(proposal) if b.field == "nimhd_domains"
    ]

    assert messages == [
        "NIMHD framework classification is required: tick at least one domain × level cell."
    ]


def test_editor_saves_the_ticked_cells():
    proposal = make_proposal()

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        edit_form(proposal, nimhd_cells=["sociocultural:interpersonal", "biological:societal"]),
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.nimhd_cells == ["biological:societal", "sociocultural:interpersonal"]
    assert proposal.nimhd_domains == ["biological", "sociocultural"]


def test_editor_refuses_an_unknown_cell_with_a_field_error_and_keeps_the_rest():
    proposal = make_proposal()

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        edit_form(proposal, nimhd_cells=["behavioral:cosmic"], title="Kept title"),
    )

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["nimhd_cells"]
    assert proposal.title == "Kept title"
    assert proposal.nimhd_cells == []


def test_api_patch_saves_cells_and_answers_them():
    proposal = make_proposal()

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/",
        {"nimhd_cells": ["behavioral:community", "behavioral:individual"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["nimhd_cells"] == ["behavioral:individual", "behavioral:community"]
    assert response.json()["nimhd_domains"] == ["behavioral"]


@pytest.mark.parametrize("cells", [["behavioral:cosmic"], "behavioral:community", [None]])
def test_api_patch_refuses_unknown_cells_with_400(cells):
    proposal = make_proposal()

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {"nimhd_cells": cells}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["nimhd_cells"]


def test_cells_are_frozen_with_the_proposal_at_submission():
    proposal = make_proposal()
    services.proposal_update(
        proposal=proposal, actor=proposal.pi, data={"nimhd_cells": ["behavioral:community"]}
    )
    services.proposal_submit(proposal=proposal, actor=proposal.pi)

    with pytest.raises(PermissionDenied):
        services.proposal_update(
            proposal=proposal, actor=proposal.pi, data={"nimhd_cells": ["biological:societal"]}
        )
    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {"nimhd_cells": ["biological:societal"]}, format="json"
    )

    proposal.refresh_from_db()
    assert response.status_code == 403
    assert proposal.nimhd_cells == ["behavioral:community"]


# ---- The program office's correction ---------------------------------------------------------


def submitted_with(cells: list[str]) -> Proposal:
    proposal = make_proposal()
    services.proposal_update(proposal=proposal, actor=proposal.pi, data={"nimhd_cells": cells})
    return services.proposal_submit(proposal=proposal, actor=proposal.pi)


def test_correction_replaces_cells_audits_before_and_after_and_notes_internal_history():
    proposal = submitted_with(["behavioral:community"])
    admin = make_admin()

    services.proposal_classification_correct(
        proposal=proposal,
        actor=admin,
        cells=["sociocultural:community", "health_care_system:community"],
        reason="Community health workers act on the health care system.",
    )

    proposal.refresh_from_db()
    assert proposal.nimhd_cells == ["sociocultural:community", "health_care_system:community"]
    assert proposal.nimhd_domains == ["sociocultural", "health_care_system"]
    entry = AuditEntry.objects.filter(object_id=str(proposal.pk)).latest("pk")
    assert (entry.actor, entry.before, entry.after) == (
        admin,
        {"nimhd_cells": ["behavioral:community"]},
        {"nimhd_cells": ["sociocultural:community", "health_care_system:community"]},
    )
    internal = selectors.state_history(proposal, include_internal=True).last()
    assert internal.internal is True
    assert internal.reason == (
        "NIMHD classification corrected by the program office: "
        "Community health workers act on the health care system."
    )
    public = [c.reason for c in selectors.state_history(proposal)]
    assert internal.reason not in public


def test_correction_is_allowed_after_a_decision_too():
    from tests.reporting.support import Spec, fund_call

    admin = make_admin()
    _, (proposal,) = fund_call([Spec(pi=make_user())], admin=admin)

    services.proposal_classification_correct(
        proposal=proposal, actor=admin, cells=["biological:individual"], reason="Biomarkers."
    )

    proposal.refresh_from_db()
    assert proposal.nimhd_cells == ["biological:individual"]


def test_correction_refuses_non_administrators():
    proposal = submitted_with(["behavioral:community"])

    with pytest.raises(PermissionDenied):
        services.proposal_classification_correct(
            proposal=proposal, actor=proposal.pi, cells=["biological:individual"], reason="x"
        )


def test_correction_refuses_a_draft_which_the_applicant_classifies():
    proposal = make_proposal()

    with pytest.raises(services.InvalidTransition):
        services.proposal_classification_correct(
            proposal=proposal, actor=make_admin(), cells=["biological:individual"], reason="x"
        )


@pytest.mark.parametrize(
    ("cells", "reason", "fields"),
    [
        (["biological:individual"], "  ", {"reason"}),
        (["biological:nowhere"], "Fix.", {"nimhd_cells"}),
        (["biological:nowhere"], "", {"nimhd_cells", "reason"}),
    ],
)
def test_correction_refuses_bad_input_and_changes_nothing(cells, reason, fields):
    proposal = submitted_with(["behavioral:community"])
    admin = make_admin()
    audits = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.proposal_classification_correct(
            proposal=proposal, actor=admin, cells=cells, reason=reason
        )

    proposal.refresh_from_db()
    assert set(exc.value.message_dict) == fields
    assert proposal.nimhd_cells == ["behavioral:community"]
    assert AuditEntry.objects.count() == audits


def test_correction_page_saves_with_a_reason_and_is_linked_for_administrators():
    proposal = submitted_with(["behavioral:community"])
    admin = make_admin()
    client = signed_in(admin)

    detail = client.get(reverse("grants:proposal_detail", args=[proposal.pk])).content.decode()
    page = client.get(reverse("grants:proposal_classification", args=[proposal.pk]))
    response = client.post(
        reverse("grants:proposal_classification", args=[proposal.pk]),
        {"nimhd_cells": ["biological:individual"], "reason": "Biomarker study."},
    )

    proposal.refresh_from_db()
    assert reverse("grants:proposal_classification", args=[proposal.pk]) in detail
    assert 'id="id_nimhd_cells_behavioral_community" checked>' in page.content.decode()
    assert response.status_code == 302
    assert proposal.nimhd_cells == ["biological:individual"]


def test_correction_page_without_a_reason_shows_the_field_error():
    proposal = submitted_with(["behavioral:community"])

    response = signed_in(make_admin()).post(
        reverse("grants:proposal_classification", args=[proposal.pk]),
        {"nimhd_cells": ["biological:individual"], "reason": ""},
    )

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert proposal.nimhd_cells == ["behavioral:community"]


def test_correction_page_is_403_for_the_applicant_and_404_for_strangers():
    proposal = submitted_with(["behavioral:community"])
    url = reverse("grants:proposal_classification", args=[proposal.pk])

    assert signed_in(proposal.pi).get(url).status_code == 403
    assert signed_in(make_user()).get(url).status_code == 404


def test_correction_api_corrects_and_refuses_bad_input():
    proposal = submitted_with(["behavioral:community"])
    admin = make_admin()
    url = f"{API}/proposals/{proposal.pk}/classification/"

    bad = api_as(admin).patch(url, {"nimhd_cells": ["x:y"]}, format="json")
    by_pi = api_as(proposal.pi).patch(
        url, {"nimhd_cells": ["biological:individual"], "reason": "Mine."}, format="json"
    )
    good = api_as(admin).patch(
        url, {"nimhd_cells": ["biological:individual"], "reason": "Biomarkers."}, format="json"
    )

    assert bad.status_code == 400
    assert set(bad.json()) == {"nimhd_cells", "reason"}
    assert by_pi.status_code == 403
    assert good.status_code == 200
    assert good.json()["nimhd_cells"] == ["biological:individual"]
    assert good.json()["nimhd_domains"] == ["biological"]


def test_correction_api_on_a_draft_is_409():
    proposal = make_proposal()

    response = api_as(make_admin()).patch(
        f"{API}/proposals/{proposal.pk}/classification/",
        {"nimhd_cells": ["biological:individual"], "reason": "Early."},
        format="json",
    )

    assert response.status_code == 409


def test_submitted_proposal_page_lists_its_cells():
    proposal = submitted_with(["behavioral:community", "biological:individual"])

    html = signed_in(proposal.pi).get(reverse("grants:proposal_detail", args=[proposal.pk]))

    assert (
        "<dt>NIMHD framework cells</dt><dd>Biological × Individual; Behavioral × Community</dd>"
    ) in html.content.decode()


def test_a_submitted_proposal_fixture_helper_is_still_classifiable():
    # make_submitted_proposal (domains only, no cells) is "unclassified" but correctable.
    proposal = make_submitted_proposal()
    assert proposal.nimhd_cells == []
    services.proposal_classification_correct(
        proposal=proposal, actor=make_admin(), cells=["behavioral:individual"], reason="Set."
    )
    proposal.refresh_from_db()
    assert proposal.nimhd_domains == ["behavioral"]
