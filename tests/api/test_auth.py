"""Token authentication, ``me/``, and what anonymous callers get."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import demographics_for
from tests.factories import PASSWORD, make_proposal, make_user

from .support import API, api_as

pytestmark = pytest.mark.django_db

TOKEN_URL = f"{API}/auth/token/"


def test_token_with_good_credentials_then_token_header_authenticates():
    user = make_user("alice")
    client = APIClient()

    response = client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json")
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(f"{API}/me/")

    assert response.status_code == 200
    assert token == Token.objects.get(user=user).key
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_token_is_the_same_on_a_second_request():
    make_user("alice")
    client = APIClient()
    body = {"username": "alice", "password": PASSWORD}

    first = client.post(TOKEN_URL, body, format="json").json()["token"]
    second = client.post(TOKEN_URL, body, format="json").json()["token"]

    assert first == second


def test_token_with_wrong_password_is_400_non_field_error():
    make_user("alice")

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": "wrong-password"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to sign in with that username and password."]
    }
    assert not Token.objects.exists()


def test_token_for_inactive_user_is_refused():
    user = make_user("alice")
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


def test_token_without_fields_is_400_per_field():
    response = APIClient().post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_token_with_malformed_json_is_400():
    response = APIClient().post(
        TOKEN_URL, data='{"username": "alice",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_token_requests_are_throttled_at_the_token_rate():
    client = APIClient()
    # A different username each time: the per-username lockout (django-axes) stays out of it.
    bodies = [{"username": f"nobody{i}", "password": "wrong-password"} for i in range(11)]

    codes = [client.post(TOKEN_URL, body, format="json").status_code for body in bodies]

    assert codes == [400] * 10 + [429]


def test_invalid_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get(f"{API}/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_me_has_account_profile_and_roles_but_never_demographics():
    user = make_user("alice", roles=(Role.REVIEWER,), department="Cardiology")
    demographics = demographics_for(user)
    demographics.race_ethnicity = ["hispanic"]
    demographics.sex = "female"
    demographics.save()

    response = api_as(user).get(f"{API}/me/")

    body = response.json()
    assert response.status_code == 200
    assert list(body) == [
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "display_name",
        "profile",
        "roles",
    ]
    assert body["roles"] == ["reviewer"]
    assert body["profile"]["department"] == "Cardiology"
    assert body["profile"]["applicant_type"] == "assistant_professor"
    text = response.content.decode()
    assert "demographic" not in text
    assert "race" not in text
    assert "female" not in text


def test_me_for_a_user_without_profile_has_null_profile():
    from accounts.models import User

    user = User.objects.create_user("bare", password=PASSWORD)

    response = api_as(user).get(f"{API}/me/")

    assert response.status_code == 200
    assert response.json()["profile"] is None


def test_superuser_is_an_administrator_in_me():
    from accounts.models import User

    user = User.objects.create_superuser("root", "root@example.edu", PASSWORD)

    response = api_as(user).get(f"{API}/me/")

    assert response.json()["roles"] == ["administrator"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me/"),
        ("get", "/calls/"),
        ("get", "/calls/{call}/"),
        ("get", "/proposals/"),
        ("post", "/proposals/"),
        ("get", "/proposals/{proposal}/"),
        ("patch", "/proposals/{proposal}/"),
        ("post", "/proposals/{proposal}/submit/"),
        ("post", "/proposals/{proposal}/withdraw/"),
        ("post", "/proposals/{proposal}/return/"),
        ("post", "/proposals/{proposal}/decision/"),
        ("get", "/proposals/{proposal}/checklist/"),
        ("post", "/proposals/{proposal}/request-endorsement/"),
        ("get", "/proposals/{proposal}/team/"),
        ("get", "/proposals/{proposal}/budget/"),
        ("get", "/proposals/{proposal}/attachments/"),
        ("get", "/proposals/{proposal}/attachments/{attachment}/download/"),
        ("get", "/endorsements/"),
        ("get", "/awards/"),
    ],
)
def test_anonymous_callers_are_refused(method, path):
    proposal = make_proposal()
    url = API + path.format(
        call=proposal.call_id, proposal=proposal.pk, attachment=proposal.attachments.get().pk
    )

    response = getattr(APIClient(), method)(url)

    # Token authentication comes first in the settings, so DRF answers 401 with a challenge.
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
