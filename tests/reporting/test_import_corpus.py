"""The publication import against a corpus of exports shaped like the real ones each database and
reference manager writes (tests/reporting/import_corpus/): every record read whole, broken
records reported in their place, duplicates found across formats, at both doors."""

from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reporting import services
from reporting.importers import detect_format, parse_publications
from reporting.models import Publication
from tests.reporting.support import simple_award

CORPUS = Path(__file__).parent / "import_corpus"


class Expected(NamedTuple):
    title: str
    authors: list[str]
    year: int
    doi: str
    journal: str


def expected(title, authors, year, doi="", journal="") -> Expected:
    return Expected(title, authors, year, doi, journal)


EXPECTED = {
    # PubMed: Send to → Citation manager (.nbib). Wrapped title, a collective author (CN)
    # among the people, 'Aug-Sep' and 'Jul 9' dates, a Bookshelf book (BTI, PB).
    "pubmed.nbib": (
        "medline",
        [
            expected(
                "Promotoras de salud and diabetes self-management among Spanish-speaking adults "
                "along the U.S.-México border: a cluster-randomized trial of a culturally "
                "tailored, community-delivered education program in Imperial County, California.",
                ["Núñez JL", "O'Brien S", "Border Health Diabetes Collaborative"],
                2015,
                "10.1353/hpu.2015.0081",
                "Journal of health care for the poor and underserved",
            ),
            expected(
                "Sickle cell trait and sudden death in Black military recruits.",
                ["Washington KD", "Okonkwo A"],
                1996,
                "",
                "Annals of internal medicine",
            ),
            expected(
                "Hospital-Based Emergency Care: At the Breaking Point",
                [
                    "Institute of Medicine (US) Committee on the Future of Emergency Care in the "
                    "United States Health System"
                ],
                2009,
                "10.17226/11621",
                "National Academies Press (US)",
            ),
        ],
    ),
    # ERIC: MEDLINE format with no PMID, records opening 'OWN - ERIC'; a dissertation.
    "eric.txt": (
        "medline",
        [
            expected(
                "Culturally Responsive Mentoring of First-Generation Latinx and Native American "
                "Undergraduates in Biomedical Research Pathway Programs: A Mixed-Methods Study",
                ["Tsosie, Rebecca", "Hernández-Ávila, Inés"],
                2009,
                "10.1037/dhe0000111",
                "Journal of Diversity in Higher Education",
            ),
            expected(
                "Pathways into Medicine for Rural Students: Barriers, Supports, and the Role of "
                "Pipeline Programs",
                ["Lindqvist, Åsa M."],
                2020,
                "",
                "ProQuest LLC",
            ),
        ],
    ),
    # Ovid (its ERIC database): '<1>' record numbers, DO with a resolver URL, venue in SO only.
    "ovid.txt": (
        "medline",
        [
            expected(
                "Teaching Health Equity Through Community-Based Participatory Research: Lessons "
                "from a Service-Learning Course with the Diné Community",
                ["Begay, Lorraine", "Müller-Ortiz, Camila"],
                2017,
                "10.1177/2373379916678901",
                "Pedagogy in Health Promotion",
            ),
            expected(
                "Evaluating a Summer Research Program for Underrepresented High School Students",
                ["Chen, Wei", "Ramírez, Luz"],
                2010,
                "",
                "Online Submission",
            ),
        ],
    ),
    # Scopus: one space before the dash; a conference paper and a book chapter.
    "scopus.ris": (
        "ris",
        [
            expected(
                "Native Hawaiian and Pacific Islander COVID-19 vaccine uptake: disaggregated data "
                "from a community-led registry in O‘ahu, 2021–2022",
                ["Nakamura, K.", "Kealoha, M.", "Fa'asavalu, T."],
                2023,
                "10.2105/ajph.2022.307201",
                "American Journal of Public Health",
            ),
            expected(
                "Machine learning to predict missed appointments in a safety-net clinic: fairness "
                "across race and language groups",
                ["Oyelaran, A.", "Smith, J."],
                2021,
                "",
                "Proceedings of the AMIA Annual Symposium",
            ),
            expected(
                "Race, racism, and health: the social determinants revisited",
                ["Williams, D.R."],
                2018,
                "10.1007/978-3-319-00000-0_2",
                "Handbook of Health Disparities Research",
            ),
        ],
    ),
    # CINAHL (EBSCO): one space; T1 and Y1; DOIs inside M3 and L3 and a doi.org UR; a thesis.
    "cinahl.ris": (
        "ris",
        [
            expected(
                "Doulas and maternal outcomes among Black and immigrant birthing people in "
                "Minneapolis–Saint Paul",
                ["Abebe, Selamawit", "Johansson, Björn"],
                2019,
                "10.1111/jmwh.12950",
                "Journal of Midwifery & Women's Health",
            ),
            expected(
                "Nurse-led telehealth for heart failure in rural Appalachia: a pilot study",
                ["Kowalczyk, Zofia"],
                2022,
                "10.1097/jcn.0000000000000890",
                "Journal of Cardiovascular Nursing",
            ),
            expected(
                "Language concordance and patient trust in community health centers",
                ["Delgado, Rosa María"],
                2020,
                "10.5555/utep.2020.0012",
                "University of Texas at El Paso",
            ),
        ],
    ),
    # EndNote: titles wrapped onto untagged lines, two spaces after a colon, A1/A3 authors,
    # a CT title, a book, and no ER closing the last record.
    "endnote.ris": (
        "ris",
        [
            expected(
                "Health Disparities Research and Clinical Trial Participation of Underrepresented "
                "Populations in Patient-Provider Communication: Potential Contributions of "
                "Language Access Services to Equity in Care",
                ["Perez-Stable, Eliseo J.", "Hooper, Monica Webb"],
                2008,
                "10.1177/1077558708322345",
                "Medical Care Research and Review",
            ),
            expected(
                "Unequal Treatment: Confronting Racial and Ethnic Disparities in Health Care",
                ["Smedley, Brian D."],
                2003,
                "",
                "National Academies Press",
            ),
            expected(
                "National Healthcare Quality and Disparities Report, 2022: Chartbook on Access "
                "to Health Care",
                ["Agency for Healthcare Research and Quality"],
                2022,
                "10.5555/ahrq.nhqdr.2022",
                "Agency for Healthcare Research and Quality",
            ),
        ],
    ),
    # Zotero RIS: a long title with an en dash, Vietnamese and Danish names; a thesis; a book.
    "zotero.ris": (
        "ris",
        [
            expected(
                "Structural racism and cardiovascular health in the United States: a systematic "
                "review of measures, mechanisms, and interventions across the life course, "
                "1990–2023",
                ["Johnson, Aaliyah", "Nguyễn, Thảo", "Øvergaard, Søren"],
                2024,
                "10.1161/circoutcomes.123.010234",
                "Circulation: Cardiovascular Quality and Outcomes",
            ),
            expected(
                "Neighborhood food environments and gestational diabetes among Korean American "
                "women",
                ["Park, Ji-woo"],
                2022,
                "",
                "Johns Hopkins University",
            ),
            expected(
                "Medical Apartheid: The Dark History of Medical Experimentation on Black "
                "Americans from Colonial Times to the Present",
                ["Washington, Harriet A."],
                2007,
                "",
                "Doubleday",
            ),
        ],
    ),
    # Google Scholar: no DOIs; @article, @inproceedings, @book, @phdthesis.
    "google_scholar.bib": (
        "bibtex",
        [
            expected(
                "Understanding how discrimination can affect health",
                ["Williams, David R", "Lawrence, Jourdyn A", "Davis, Brigette A", "Vu, Cecilia"],
                2019,
                "",
                "Health Services Research",
            ),
            expected(
                "Dissecting racial bias in an algorithm used to manage the health of "
                "populations: evidence from a commercial risk-prediction tool applied to primary "
                "care patients",
                ["Obermeyer, Ziad", "Powers, Brian", "Vogeli, Christine", "Mullainathan, Sendhil"],
                2019,
                "",
                "Proceedings of the Conference on Fairness, Accountability, and Transparency",
            ),
            expected(
                "Epidemiology and the people's health: theory and context",
                ["Krieger, Nancy"],
                2011,
                "",
                "Oxford University Press",
            ),
            expected(
                "Barriers to colorectal cancer screening among Vietnamese Americans in Orange "
                "County",
                ["Tran, Minh Anh"],
                2021,
                "",
                "University of California, Irvine",
            ),
        ],
    ),
    # ORCID: 'First Last' names, bare year and month macro, DOI also percent-encoded in url;
    # a thesis and a dataset (@misc).
    "orcid.bib": (
        "bibtex",
        [
            expected(
                "Trust in Clinical Research among Navajo (Diné) Patients: A Community-Engaged "
                "Survey",
                ["Begay, Lorraine", "Smith, Jordan A.", "de la Cruz, María"],
                2020,
                "10.1353/hpu.2020.0042",
                "Journal of Health Care for the Poor and Underserved",
            ),
            expected(
                "Historical trauma, resilience, and diabetes prevention in the Navajo Nation",
                ["Begay, Lorraine"],
                2016,
                "10.5555/ua.diss.2016.4412",
                "University of Arizona",
            ),
            expected(
                "Replication data for: Trust in Clinical Research among Navajo Patients",
                ["Begay, Lorraine", "Smith, Jordan A."],
                2022,
                "10.7910/dvn/abc123",
                "Harvard Dataverse",
            ),
        ],
    ),
    # Zotero BibTeX: LaTeX accents of every kind, protective braces, guillemets, '---';
    # an @incollection and a Czech @book.
    "zotero.bib": (
        "bibtex",
        [
            expected(
                "Efecto de una intervención de promotoras sobre la hipertensión en comunidades "
                "rurales de México y California: ensayo «PASO»",
                ["García, María José", "Muñoz, Jesús", "François, Renée"],
                2021,
                "10.26633/rpsp.2021.112",
                "Revista Panamericana de Salud Pública",
            ),
            expected(
                "Überlegungen zur Gesundheitsgerechtigkeit: Migration und Versorgung in "
                "Deutschland",
                ["Müller, Jörg", "Sørensen, Kristine"],
                2019,
                "10.1007/978-3-030-00000-1_3",
                "Handbuch Migration und Gesundheit",
            ),
            expected(
                "Česká zdravotní péče o Romy — přístup a bariéry",
                ["Dvořák, Tomáš"],
                2015,
                "",
                "Karolinum",
            ),
        ],
    ),
    # Zotero CSL JSON: a PMID, a thesis, a chapter (its editor is not an author).
    "zotero.json": (
        "csl",
        [
            expected(
                "Language-concordant primary care and emergency department use among Chinese-, "
                "Korean-, and Vietnamese-speaking older adults in California: a retrospective "
                "cohort study",
                ["Lê, Thị Hương", "Kim, Soo-Jin", "Zhang, Wěi"],
                2023,
                "10.1001/jamanetworkopen.2023.12345",
                "JAMA Network Open",
            ),
            expected(
                "Water insecurity and kidney disease in Flint, Michigan",
                ["Jackson, Tamika"],
                2020,
                "",
                "University of Michigan",
            ),
            expected(
                "Critical issues in developing and following CBPR principles",
                ["Wallerstein, Nina", "Duran, Bonnie"],
                2017,
                "",
                "Community-Based Participatory Research for Health: Advancing Social and Health "
                "Equity",
            ),
        ],
    ),
    # Mendeley CSL JSON: one line per item, date parts as strings, a particle and a literal
    # (collective) author, a DOI only in the URL; a book.
    "mendeley.json": (
        "csl",
        [
            expected(
                "Comparison of all-cause mortality rates and inequities between Black and White "
                "populations across the 30 most populous US cities",
                ["Benjamins, Maureen R.", "da Silva, Abigail", "Big Cities Health Coalition"],
                2021,
                "10.1001/jamanetworkopen.2020.32086",
                "JAMA Network Open",
            ),
            expected(
                "Fatal Invention: How Science, Politics, and Big Business Re-create Race in the "
                "Twenty-first Century",
                ["Roberts, Dorothy"],
                2011,
                "",
                "The New Press",
            ),
            expected(
                "Spanish-language patient portals and hypertension control: a "
                "quality-improvement study",
                ["Aguirre, Jesús"],
                2022,
                "10.5555/sgim.2022.0042",
                "Society of General Internal Medicine Annual Meeting",
            ),
        ],
    ),
}


def corpus_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (CORPUS / name).read_bytes())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_export_read_whole(name):
    fmt, records_expected = EXPECTED[name]

    records = parse_publications(corpus_file(name))

    assert detect_format((CORPUS / name).read_text(encoding="utf-8")) == fmt
    assert [Expected(r.title, r.authors, r.year, r.doi, r.journal) for r in records] == (
        records_expected
    )
    assert [r.problems for r in records] == [[] for _ in records_expected]


@pytest.mark.parametrize(
    ("name", "pmids", "dates", "peer_reviewed"),
    [
        (
            "pubmed.nbib",
            ["26223456", "8676543", "20821845"],
            [date(2015, 8, 1), date(1996, 7, 1), None],
            [True, True, False],
        ),
        ("eric.txt", ["", ""], [None, None], [True, False]),
        ("zotero.json", ["37200000", "", ""], [date(2023, 5, 1), None, None], [True, False, False]),
        ("orcid.bib", ["", "", ""], [date(2020, 5, 1), None, None], [True, False, False]),
        (
            "cinahl.ris",
            ["", "", ""],
            [date(2019, 3, 1), date(2022, 11, 1), None],
            [True, True, False],
        ),
    ],
)
def test_corpus_ids_months_and_kinds(name, pmids, dates, peer_reviewed):
    records = parse_publications(corpus_file(name))

    assert [r.pmid for r in records] == pmids
    assert [r.published_on for r in records] == dates
    assert [r.peer_reviewed for r in records] == peer_reviewed


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # RIS with the one-space dash, and a wrapped value, in a file ending without ER.
        (
            "TY - JOUR\nTI - A wrapped\ntitle: read whole\nPY - 2020\n",
            "A wrapped title: read whole",
        ),
        # Two spaces after a colon are not the end of the title.
        ("TY  - JOUR\nT1  - Communication:  Potential Contributions\nER  - \n", None),
        # Windows line ends.
        ("TY  - JOUR\r\nTI  - Windows line ends\r\nER  - \r\n", "Windows line ends"),
        # MEDLINE without a PMID or a blank line at the end.
        (
            "OWN - ERIC\nTI  - An ERIC record\n      continued\nDP  - 2009",
            "An ERIC record continued",
        ),
    ],
)
def test_dialect_edge_cases_read_whole(text, title):
    (record,) = parse_publications(text.encode())

    assert record.title == (title or "Communication: Potential Contributions")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("TY  - JOUR\nTI  - x\nER  - \n", "ris"),
        ("TY - JOUR\nTI - x\n", "ris"),
        ("PMID- 1\nTI  - x\n", "medline"),
        ("OWN - ERIC\nTI  - x\nDP  - 2009\n", "medline"),
        ("@article{k, title={x}}", "bibtex"),
        ('[{"type": "article-journal", "title": "x"}]', "csl"),
        ('{"items": [{"title": "x"}]}', "csl"),
        ("TI  - a title and nothing else\n", ""),
        ('{"name": "package.json", "version": "1.0"}', ""),
        ("user@example.org wrote:\n> @article{ is how BibTeX starts\n", ""),
        ("Title,Journal,Year\nA paper,Nature,2025\n", ""),
    ],
)
def test_format_detected_from_content(text, fmt):
    assert detect_format(text) == fmt


@pytest.mark.parametrize(
    ("name", "titles", "problems"),
    [
        (
            "broken.bib",
            [
                "School-based asthma programs in the South Bronx: a five-year evaluation",
                "",
                "Just Medicine: A Cure for Racial Inequality in American Health Care",
            ],
            [
                [],
                [
                    "Record 2 could not be read: the BibTeX entry (“broken_2020”) is malformed "
                    "(check its braces)."
                ],
                [],
            ],
        ),
        (
            "broken.ris",
            [
                "Telehealth use among older Medicare beneficiaries with limited English "
                "proficiency",
                "",
                "",
                "Food insecurity screening in pediatric primary care",
            ],
            [
                [],
                [
                    "Record 2 could not be read: its lines (from line 9) have no TY line to open a record."
                ],
                ["DOI “not-a-doi” is not in the 10.xxxx/… form; left out.", "No title."],
                [],
            ],
        ),
        (
            "broken.json",
            [
                "Colorectal cancer screening outreach by mailed FIT kits in federally qualified "
                "health centers",
                "",
                "",
                "The Social Determinants of Health: Looking Upstream",
            ],
            [
                [],
                ["Record 2 could not be read: the item is not a CSL JSON object."],
                ["No title."],
                [],
            ],
        ),
    ],
)
def test_broken_record_reported_and_the_rest_read(name, titles, problems):
    records = parse_publications(corpus_file(name))

    assert [r.title for r in records] == titles
    assert [r.problems for r in records] == problems


def test_many_unclosed_braces_in_a_long_bibtex_file_reported_not_a_crash():
    # Read whole, bibtexparser's grammar recursed past Python's limit on this (a 500).
    text = (CORPUS / "broken.bib").read_text(encoding="utf-8") * 60

    records = parse_publications(text.encode())

    assert len(records) == 180
    assert [bool(r.title) for r in records] == [True, False, True] * 60
    assert records[-2].problems == [
        "Record 179 could not be read: the BibTeX entry (“broken_2020”) is malformed "
        "(check its braces)."
    ]


def test_file_of_only_unreadable_records_refused_with_why():
    text = "@article{lost, title = {Never closed,\n  year = {2020}\n"

    with pytest.raises(ValidationError) as exc:
        parse_publications(text.encode())

    assert exc.value.messages == [
        "No record in this file could be read. Record 1 could not be read: the BibTeX entry "
        "(“lost”) is malformed (check its braces)."
    ]


def test_ris_untagged_line_right_after_ty_is_not_a_crash():
    # rispy carried it over to the previous record's last tag: a KeyError (a 500).
    text = "TY - JOUR\nTI - First\nDB - Scopus\nER - \nTY - JOUR\nstray words\nTI - Second\n"

    records = parse_publications(text.encode())

    assert [r.title for r in records] == ["First", "Second"]


def test_csl_values_of_the_wrong_shape_are_left_out_not_shown_as_code():
    text = '[{"title": "A paper", "container-title": {"x": 1}, "author": [{"family": 5}, null]}]'

    (record,) = parse_publications(text.encode())

    assert (record.title, record.journal, record.authors) == ("A paper", "", ["5"])


def test_file_whose_records_have_no_title_refused():
    with pytest.raises(ValidationError) as exc:
        parse_publications(b'[{"type": "article-journal", "author": [{"family": "Ng"}]}]')

    assert exc.value.messages == ["No record in this file could be read. None has a title."]


@pytest.mark.parametrize(
    "content",
    [b"[not json", b"{}", b"[]", b"@comment{only a comment}", b"MZ\x90\x00 program"],
)
def test_unknown_formats_still_refused(content):
    with pytest.raises(ValidationError):
        parse_publications(content)


# ---- Preview and commit ----------------------------------------------------------------------


@pytest.mark.django_db
def test_broken_record_skipped_at_commit_and_the_rest_saved():
    award, _ = simple_award(start=date(2017, 1, 1), end=date(2023, 12, 31))
    records = services.publications_import_preview(file=corpus_file("broken.ris"))

    result = services.publications_import_commit(
        award=award, records=[r.as_dict() for r in records], actor=award.proposal.pi
    )

    assert sorted(p.title for p in result.created) == [
        "Food insecurity screening in pediatric primary care",
        "Telehealth use among older Medicare beneficiaries with limited English proficiency",
    ]
    assert [reason for _, reason in result.skipped] == [
        "Record 2 could not be read: its lines (from line 9) have no TY line to open a record.",
        "DOI “not-a-doi” is not in the 10.xxxx/… form; left out. No title.",
    ]


@pytest.mark.django_db
def test_preview_finds_duplicates_across_formats():
    award, admin = simple_award(start=date(2015, 1, 1), end=date(2024, 12, 31))
    # ORCID's article, recorded from a RIS file with its DOI in another case...
    services.publication_create(
        actor=admin,
        awards=[award],
        data={
            "title": "Trust in clinical research among Navajo (Dine) patients",
            "doi": "10.1353/HPU.2020.0042",
        },
    )
    # ...and Google Scholar's first paper, recorded by hand without a DOI.
    services.publication_create(
        actor=admin,
        awards=[award],
        data={"title": "UNDERSTANDING how discrimination can affect health.", "year": 2019},
    )

    orcid = services.publications_import_preview(file=corpus_file("orcid.bib"))
    scholar = services.publications_import_preview(file=corpus_file("google_scholar.bib"))

    assert [r.duplicate for r in orcid] == [True, False, False]
    assert [r.duplicate for r in scholar] == [True, False, False, False]


@pytest.mark.django_db
def test_same_title_and_year_with_another_doi_is_not_a_duplicate():
    award, admin = simple_award(start=date(2015, 1, 1), end=date(2024, 12, 31))
    services.publication_create(
        actor=admin,
        awards=[award],
        data={
            "title": "Trust in Clinical Research among Navajo (Diné) Patients: A "
            "Community-Engaged Survey",
            "year": 2020,
            "doi": "10.1101/2019.12.01.000001",  # the preprint
        },
    )

    records = services.publications_import_preview(file=corpus_file("orcid.bib"))

    assert records[0].duplicate is False


@pytest.mark.django_db
def test_commit_skips_a_repeat_by_title_and_year_within_the_file():
    award, _ = simple_award(start=date(2018, 1, 1), end=date(2024, 12, 31))
    text = (
        "@article{a, title={Food deserts and {HbA1c}}, author={Ng, K}, year={2020}}\n"
        "@article{b, title={Food Deserts and HbA1c.}, author={Ng, K}, year={2020}}\n"
    )
    records = services.publications_import_preview(file=text.encode())

    result = services.publications_import_commit(
        award=award, records=records, actor=award.proposal.pi
    )

    assert [r.duplicate for r in records] == [False, True]
    assert [p.title for p in result.created] == ["Food deserts and HbA1c"]
    assert [reason for _, reason in result.skipped] == ["Already recorded (same title and year)."]


# ---- The web page ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["zotero.bib", "mendeley.json", "scopus.ris", "eric.txt"])
def test_import_page_takes_the_new_formats(name):
    award, _ = simple_award(start=date(2000, 1, 1), end=date(2024, 12, 31))
    client = Client()
    client.force_login(award.proposal.pi)
    url = reverse("reporting:publication_import", args=[award.pk])

    preview = client.post(url, {"file": corpus_file(name)})
    confirm = client.post(url, {"action": "confirm"})

    titles = [e.title for e in EXPECTED[name][1]]
    assert preview.status_code == 200
    assert [r.title for r in preview.context["records"]] == titles
    assert confirm.status_code == 302
    assert sorted(Publication.objects.values_list("title", flat=True)) == sorted(titles)


@pytest.mark.django_db
def test_import_page_shows_what_it_could_not_read():
    award, _ = simple_award(start=date(2015, 1, 1), end=date(2024, 12, 31))
    client = Client()
    client.force_login(award.proposal.pi)
    url = reverse("reporting:publication_import", args=[award.pk])

    preview = client.post(url, {"file": corpus_file("broken.bib")})
    client.post(url, {"action": "confirm"})

    page = preview.content.decode()
    assert (
        "<li>Record 2 could not be read: the BibTeX entry (“broken_2020”) is malformed "
        "(check its braces).</li>"
    ) in page
    assert page.count("skipped (could not be read)") == 1
    assert Publication.objects.count() == 2


@pytest.mark.parametrize("kind", ["bibtex", "ris"])
def test_a_file_of_more_records_than_one_import_takes_is_refused_before_the_slow_part(kind):
    from django.core.exceptions import ValidationError

    from reporting.importers import MAX_RECORDS, parse_publications

    n = MAX_RECORDS + 1
    if kind == "bibtex":
        text = "".join(f"@article{{k{i}, title={{Paper {i}}}, year={{2020}}}}\n" for i in range(n))
    else:
        text = "".join(f"TY  - JOUR\nTI  - Paper {i}\nPY  - 2020\nER  - \n" for i in range(n))

    with pytest.raises(ValidationError) as refused:
        parse_publications(text.encode())

    assert f"holds {n:,} records; import at most {MAX_RECORDS:,}" in refused.value.messages[0]
