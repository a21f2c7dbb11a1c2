"""Finding a colleague by name or e-mail (issue 16): the rules of
``accounts.selectors.people_matching``, and the team page and ``GET /api/v1/people/`` that ask
it. Nobody's e-mail address is ever shown; an exact address only says it matched."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import ApplicantType
from accounts.selectors import people_matching
from tests.api.support import api_as
from tests.factories import make_proposal, make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

SHORT = "Type at least 3 characters of a name or an e-mail address."


def _person(username, first, last, **kwargs):
    user = make_user(username, **kwargs)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def maria():
    return _person(
        "mgarcia",
        "María",
        "Garcia",
        applicant_type=ApplicantType.ASSOCIATE_PROFESSOR,
        department="Family Medicine",
    )


def _names(matches):
    return [m.display_name for m in matches]


@pytest.mark.parametrize("query", ["garc", "GARCIA", "maría", "maría garcia", "MGARC"])
def test_people_matching_finds_by_first_last_full_name_and_username(maria, query):
    viewer = make_user()

    assert _names(people_matching(query, viewer)) == ["María Garcia"]


def test_people_matching_finds_an_exact_email_and_says_so(maria):
    viewer = make_user()

    (match,) = people_matching("MGARCIA@example.edu", viewer)

    assert (match.id, match.matches_email) == (maria.pk, True)
    assert not hasattr(match, "email")


def test_people_matching_does_not_match_part_of_an_email(maria):
    viewer = make_user()

    assert people_matching("example.edu", viewer) == []


def test_people_matching_gives_position_and_department(maria):
    (match,) = people_matching("garcia", make_user())

    assert (match.position, match.department) == (
        "Faculty — associate professor",
        "Family Medicine",
    )


def test_people_matching_leaves_out_inactive_people_and_the_viewer(maria):
    gone = _person("ggarcia", "Gone", "Garcia")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    viewer = _person("vgarcia", "Viewer", "Garcia")

    assert _names(people_matching("garcia", viewer)) == ["María Garcia"]


@pytest.mark.parametrize("query", ["", "ga", "  g  ", None])
def test_people_matching_needs_three_characters(maria, query):
    assert people_matching(query, make_user()) == []


def test_people_matching_gives_at_most_ten_by_name():
    for n in range(12):
        _person(f"smith{n:02d}", f"Ann{n:02d}", "Smith")

    matches = people_matching("smith", make_user())

    assert _names(matches) == [f"Ann{n:02d} Smith" for n in range(10)]


@pytest.mark.parametrize("count", [1, 8])
def test_people_matching_is_one_query(count, django_assert_num_queries):
    for n in range(count):
        _person(f"lee{n}", f"Sam{n}", "Lee")
    viewer = make_user()

    with django_assert_num_queries(1):
        matches = people_matching("lee", viewer)

    assert len(matches) == count


# ---- The team page ---------------------------------------------------------------------------


def test_team_page_lists_matches_with_position_and_department_but_no_email(maria):
    proposal = make_proposal()

    response = signed_in(proposal.pi).get(
        reverse("grants:proposal_team", args=[proposal.pk]), {"q": "garcia"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="person" value="{maria.pk}"' in html
    assert "María Garcia — Faculty — associate professor, Family Medicine" in html
    assert maria.email not in html
    assert "matches the e-mail you typed" not in html


def test_team_page_says_an_exact_email_matched_without_showing_another(maria):
    proposal = make_proposal()
    url = reverse("grants:proposal_team", args=[proposal.pk])

    html = signed_in(proposal.pi).get(url, {"q": maria.email}).content.decode()

    assert "matches the e-mail you typed" in html
    # The address shows only where the searcher typed it: in the search box, once.
    assert html.count(maria.email) == 2  # the search box and the hidden copy in the add form


def test_team_page_refuses_a_short_search_with_a_message(maria):
    proposal = make_proposal()

    response = signed_in(proposal.pi).get(
        reverse("grants:proposal_team", args=[proposal.pk]), {"q": "ga"}
    )

    assert response.status_code == 200
    assert response.context["search_form"].errors == {"q": [SHORT]}
    assert 'name="person"' not in response.content.decode()


def test_team_page_says_when_nobody_matches():
    proposal = make_proposal()

    html = (
        signed_in(proposal.pi)
        .get(reverse("grants:proposal_team", args=[proposal.pk]), {"q": "zzzzz"})
        .content.decode()
    )

    assert "No one with an account matches “zzzzz”" in html


def test_team_page_search_has_a_query_budget(maria, django_assert_max_num_queries):
    proposal = make_proposal()
    for n in range(6):
        _person(f"garcia{n}", f"Ana{n}", "Garcia")
    client = signed_in(proposal.pi)
    url = reverse("grants:proposal_team", args=[proposal.pk])
    client.get(url, {"q": "garcia"})  # warm the session and the content types

    with django_assert_max_num_queries(20):
        response = client.get(url, {"q": "garcia"})

    assert len(response.context["people"]) == 7


# ---- The API ---------------------------------------------------------------------------------


def test_api_people_finds_by_name_without_emails(maria):
    response = api_as(make_user()).get("/api/v1/people/", {"search": "garcia"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": maria.pk,
            "username": "mgarcia",
            "display_name": "María Garcia",
            "position": "Faculty — associate professor",
            "department": "Family Medicine",
            "matches_email": False,
        }
    ]
    assert b"@" not in response.content


def test_api_people_exact_email_says_it_matched(maria):
    response = api_as(make_user()).get("/api/v1/people/", {"search": maria.email})

    assert [(p["id"], p["matches_email"]) for p in response.json()] == [(maria.pk, True)]
    assert b"@" not in response.content


@pytest.mark.parametrize("params", [{}, {"search": ""}, {"search": "ga"}])
def test_api_people_refuses_a_short_search_with_400(params):
    response = api_as(make_user()).get("/api/v1/people/", params)

    assert response.status_code == 400
    assert response.json()["search"] == [SHORT]


def test_api_people_needs_a_signed_in_caller(maria):
    response = api_as(None).get("/api/v1/people/", {"search": "garcia"})

    assert response.status_code == 401


def test_api_people_query_count_is_the_same_for_1_and_10_matches():
    caller = make_user()
    client = api_as(caller)

    def queries_for(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/people/", {"search": f"count{count}x"})
        assert len(response.json()) == count
        return len(captured.captured_queries)

    for n in range(10):
        _person(f"count10x{n}", f"Ten{n}", "Person")
    _person("count1x", "One", "Person")
    client.get("/api/v1/people/", {"search": "warm up"})

    assert queries_for(1) == queries_for(10)


@pytest.mark.parametrize("typed", ["maria garcia", "MARIA", "Garcí", "mgarc"])
def test_a_name_typed_without_its_accents_or_with_them_finds_the_person(maria, typed):
    viewer = make_user("viewer-accents")
    ramirez = _person("eramirez", "Elena", "Ramirez")

    assert _names(people_matching(typed, viewer)) == [maria.display_name]
    assert _names(people_matching("Ramírez", viewer)) == [ramirez.display_name]


def test_a_renamed_person_is_found_by_the_new_name(maria):
    viewer = make_user("viewer-renamed")
    maria.last_name = "Núñez"
    maria.save(update_fields=["last_name"])

    assert _names(people_matching("nunez", viewer)) == ["María Núñez"]
    assert people_matching("maria garcia", viewer) == []
