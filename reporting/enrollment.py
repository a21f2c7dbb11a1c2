"""The NIH Inclusion Enrollment Report's layout: races as rows, ethnicity column groups with
sex sub-columns, and the totals of each row, column and the whole table.

Pure functions over ``{"<ethnicity>|<race>|<sex>": count}`` shared by the service (which checks
submitted totals against them), the award's enrollment page and the API.
"""

from .choices import ENROLLMENT_CELLS, EnrollmentEthnicity, EnrollmentRace, EnrollmentSex

ETHNICITIES = EnrollmentEthnicity.choices
RACES = EnrollmentRace.choices
SEXES = EnrollmentSex.choices
# (ethnicity, sex) in the form's column order.
COLUMNS = tuple((e, s) for e in EnrollmentEthnicity.values for s in EnrollmentSex.values)
# The totals a submitter may state (to be checked): one per race row, one per column, and all.
TOTAL_KEYS = (*EnrollmentRace.values, *(f"{e}|{s}" for e, s in COLUMNS), "all")


def cell(ethnicity: str, race: str, sex: str) -> str:
    return f"{ethnicity}|{race}|{sex}"


def totals(counts: dict[str, int]) -> dict[str, int]:
    """Every total of TOTAL_KEYS, plus one per ethnicity and one per sex (for the comparison)."""
    value = {key: int(counts.get(key, 0) or 0) for key in ENROLLMENT_CELLS}
    out = dict.fromkeys(TOTAL_KEYS, 0)
    for key, n in value.items():
        ethnicity, race, sex = key.split("|")
        out[race] += n
        out[f"{ethnicity}|{sex}"] += n
        out["all"] += n
        out[f"ethnicity:{ethnicity}"] = out.get(f"ethnicity:{ethnicity}", 0) + n
        out[f"sex:{sex}"] = out.get(f"sex:{sex}", 0) + n
    return out


def comparison(planned: dict[str, int] | None, actual: dict[str, int] | None) -> list[dict]:
    """Planned against cumulative actual, by race, by ethnicity, by sex and in all, with the
    difference (actual minus planned)."""
    p, a = totals(planned or {}), totals(actual or {})
    groups = (
        [("Race", label, race) for race, label in RACES]
        + [("Ethnicity", label, f"ethnicity:{e}") for e, label in ETHNICITIES]
        + [("Sex", label, f"sex:{s}") for s, label in SEXES]
        + [("All", "Total", "all")]
    )
    return [
        {
            "group": group,
            "label": label,
            "planned": p[key],
            "actual": a[key],
            "difference": a[key] - p[key],
        }
        for group, label, key in groups
    ]


# ---- Exports: one row per ethnicity x race x sex, NIH's category names -------------------------

EXPORT_HEADER = ["Race", "Ethnicity", "Sex", "Planned", "Cumulative enrolled"]


def export_rows(planned: dict[str, int], actual: dict[str, int]) -> list[list]:
    """Each of the 63 combinations with its planned and cumulative counts, in the form's
    order (races, then ethnicity, then sex)."""
    labels = {
        "ethnicity": dict(ETHNICITIES),
        "race": dict(RACES),
        "sex": dict(SEXES),
    }
    rows = []
    for key in ENROLLMENT_CELLS:
        ethnicity, race, sex = key.split("|")
        rows.append(
            [
                labels["race"][race],
                labels["ethnicity"][ethnicity],
                labels["sex"][sex],
                int(planned.get(key, 0)),
                int(actual.get(key, 0)),
            ]
        )
    return rows


class EnrollmentCsv:
    """The program's enrollment as CSV: a header, then one row per combination with counts."""

    filename = "northstar-inclusion-enrollment.csv"
    content_type = "text/csv; charset=utf-8"

    def __init__(self, planned: dict[str, int], actual: dict[str, int]):
        self.rows = export_rows(planned, actual)

    def render(self) -> bytes:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(self.rows)
        return out.getvalue().encode("utf-8")


# NIH's participant-level data template (the Human Subjects System's CSV): one row per person,
# with the Inclusion Enrollment Report's category names. The sex column is "Sex", NIH's term
# since August 2025 (earlier templates said "Gender"). Northstar holds counts, not ages, so
# each age is left blank with the unit "Unknown", as NIH asks for an unknown age.
PARTICIPANT_HEADER = ["Race", "Ethnicity", "Sex", "Age", "Age Unit"]
UNKNOWN_AGE_UNIT = "Unknown"


def participant_rows(counts: dict[str, int]) -> list[list[str]]:
    """One row per participant counted in ``counts`` (a cumulative table), in the form's order."""
    labels = {"ethnicity": dict(ETHNICITIES), "race": dict(RACES), "sex": dict(SEXES)}
    rows: list[list[str]] = []
    for key in ENROLLMENT_CELLS:
        ethnicity, race, sex = key.split("|")
        person = [
            labels["race"][race],
            labels["ethnicity"][ethnicity],
            labels["sex"][sex],
            "",
            UNKNOWN_AGE_UNIT,
        ]
        rows.extend([list(person) for _ in range(int(counts.get(key, 0) or 0))])
    return rows


class ParticipantCsv:
    """An award's latest cumulative enrollment in the participant-level template's layout."""

    content_type = "text/csv; charset=utf-8"

    def __init__(self, counts: dict[str, int], *, award_label: str):
        self.rows = participant_rows(counts)
        self.filename = f"{award_label}-participant-level-enrollment.csv"

    def render(self) -> bytes:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(PARTICIPANT_HEADER)
        writer.writerows(self.rows)
        return out.getvalue().encode("utf-8")


class EnrollmentXlsx:
    """The same rows as one workbook sheet, "Inclusion enrollment", under a line of scope."""

    filename = "northstar-inclusion-enrollment.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet_title = "Inclusion enrollment"

    def __init__(self, planned: dict[str, int], actual: dict[str, int], *, scope: str):
        self.rows = export_rows(planned, actual)
        self.scope = scope

    def render(self) -> bytes:
        import io

        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.sheet_title)
        sheet.append(["NIH inclusion enrollment"])
        sheet.append([self.scope])
        sheet.append([])
        sheet.append(EXPORT_HEADER)
        for row in self.rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
