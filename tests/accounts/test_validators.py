"""ORCID iD and eRA Commons ID validation."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    normalize_orcid,
    orcid_checksum_ok,
    validate_era_commons_id,
    validate_orcid,
)

# Published example iDs (ORCID's documentation and its own staff); the last ends in X.
VALID_ORCIDS = ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]


@pytest.mark.parametrize("orcid", VALID_ORCIDS)
def test_orcid_checksum_ok_valid_ids(orcid):
    assert orcid_checksum_ok(orcid) is True


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0096",
        "0000-0002-1825-0098",
        "0000-0001-5109-370X",
        "0000-0002-1694-2330",
        "0000-0002-1825-0079",  # two digits swapped
    ],
)
def test_orcid_checksum_ok_wrong_check_digit(orcid):
    assert orcid_checksum_ok(orcid) is False


@pytest.mark.parametrize("orcid", VALID_ORCIDS)
def test_validate_orcid_valid_ids_accepted(orcid):
    assert validate_orcid(orcid) is None


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0096", "0000-0001-5109-370X"])
def test_validate_orcid_wrong_check_digit_refused(orcid):
    with pytest.raises(ValidationError) as exc:
        validate_orcid(orcid)

    assert exc.value.code == "orcid_checksum"
    assert exc.value.messages == [
        "This ORCID iD's check digit is wrong; please copy it again from orcid.org."
    ]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0000-0002-1825",
        "0000000218250097",
        "0000-0002-1825-00970",
        "0000-0002-1825-009Y",
        "0000-0002-182X-0097",
        "0000 0002 1825 0097",
        "000-00002-1825-0097",
        "https://example.org/0000-0002-1825-0097",
        "abcd-efgh-ijkl-mnop",
    ],
)
def test_validate_orcid_bad_format_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_orcid(value)

    assert exc.value.code == "orcid_format"
    assert exc.value.messages == [
        "Enter an ORCID iD as 0000-0000-0000-0000 (16 characters, the last may be X)."
    ]


@pytest.mark.parametrize(
    "value",
    [
        "https://orcid.org/0000-0002-1825-0097",
        "http://orcid.org/0000-0002-1825-0097",
        "orcid.org/0000-0002-1825-0097",
        "HTTPS://ORCID.ORG/0000-0002-1825-0097",
        "  0000-0002-1825-0097  ",
    ],
)
def test_normalize_orcid_strips_url_prefix_and_space(value):
    assert normalize_orcid(value) == "0000-0002-1825-0097"


def test_normalize_orcid_uppercases_check_x():
    assert normalize_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"


@pytest.mark.parametrize(
    "value",
    ["https://orcid.org/0000-0002-1825-0097", "0000-0002-1694-233x", " 0000-0001-5109-3700 "],
)
def test_validate_orcid_accepts_url_lowercase_x_and_space(value):
    assert validate_orcid(value) is None


def test_validate_orcid_url_with_wrong_check_digit_refused():
    with pytest.raises(ValidationError) as exc:
        validate_orcid("https://orcid.org/0000-0002-1825-0096")

    assert exc.value.code == "orcid_checksum"


@pytest.mark.parametrize("value", ["JSMITH", "jsmith_01", "j.smith-2", "A" * 20, " jsmith1 "])
def test_validate_era_commons_id_valid(value):
    assert validate_era_commons_id(value) is None


@pytest.mark.parametrize("value", ["", "short", "A" * 21, "j smith1", "jsmith@nih", "jsmíth1"])
def test_validate_era_commons_id_invalid(value):
    with pytest.raises(ValidationError) as exc:
        validate_era_commons_id(value)

    assert exc.value.code == "era_commons"
    assert exc.value.messages == [
        "An eRA Commons ID has 6 to 20 letters, digits, dots, dashes or underscores."
    ]
