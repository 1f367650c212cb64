import pytest

from credentials.completeness import RECOMMENDED, REQUIRED, completeness
from credentials.models import MicroCredential, title_problem
from tests.factories import MicroCredentialFactory

pytestmark = pytest.mark.django_db

EMPTY = {
    "title": "", "description": "", "learning_outcomes": [],
    "title_fr": "", "description_fr": "", "learning_outcomes_fr": [], "learner_effort_hours": None,
    "proposed_level_id": None, "proposed_credits": None, "field_of_study_id": None,
    "assessment_types": [], "assessment_description": "", "delivery_mode": "", "languages": [],
    "prerequisites": "", "quality_assurance": "", "evidence_of_need": "",
    "contact_hours": None, "skills": [], "stackability": "", "industry_partners": "",
    "professional_recognition": "", "identity_verification": "", "price_cad": None, "url": "",
    "starts_on": None, "ends_on": None, "credential_expiry": "",
}
ATTRIBUTE = {"proposed_level": "proposed_level_id", "field_of_study": "field_of_study_id"}


def test_a_fully_described_micro_credential_scores_100_with_nothing_missing():
    result = completeness(MicroCredentialFactory())
    assert result == {"score": 100, "missing_required": [], "missing_recommended": [], "problems": []}


@pytest.mark.parametrize("name", REQUIRED)
def test_each_required_element_counts_as_missing_when_absent(name):
    microcredential = MicroCredentialFactory()
    attribute = ATTRIBUTE.get(name, name)
    setattr(microcredential, attribute, EMPTY[attribute])
    result = completeness(microcredential)
    assert result["missing_required"] == [name]
    assert result["score"] < 80


@pytest.mark.parametrize("name", RECOMMENDED)
def test_each_recommended_element_lowers_the_score_but_not_below_80(name):
    microcredential = MicroCredentialFactory()
    setattr(microcredential, name, EMPTY[name])
    result = completeness(microcredential)
    assert result["missing_required"] == []
    assert result["missing_recommended"] == [name]
    assert 80 <= result["score"] < 100


def test_blank_text_and_lists_of_blanks_do_not_count_as_present():
    microcredential = MicroCredentialFactory(description="   ", learning_outcomes=["  "])
    assert completeness(microcredential)["missing_required"] == ["description", "learning_outcomes"]


def test_an_empty_draft_scores_zero_and_lists_every_element():
    result = completeness(MicroCredential(**EMPTY))
    assert result["score"] == 0
    assert result["missing_required"] == REQUIRED
    assert result["missing_recommended"] == RECOMMENDED


def test_all_required_and_nothing_recommended_is_exactly_80():
    microcredential = MicroCredentialFactory()
    for name in RECOMMENDED:
        setattr(microcredential, name, EMPTY[name])
    assert completeness(microcredential)["score"] == 80


def test_prerequisites_none_counts_as_present():
    assert "prerequisites" not in completeness(MicroCredentialFactory(prerequisites="None"))["missing_required"]


@pytest.mark.parametrize(
    "title",
    ["Diploma in Welding", "Mini-Master of Analytics", "Bachelor's Skills Bootcamp", "Doctor of Data",
     "Data DEGREE sprint", "Master's-level Leadership"],
)
def test_titles_that_call_themselves_a_qualification_are_a_problem(title):
    result = completeness(MicroCredentialFactory(title=title))
    assert result["problems"][0]["field"] == "title"
    assert "must not call the micro-credential a degree" in result["problems"][0]["message"]


@pytest.mark.parametrize("title", ["Mastering Excel Pivot Tables", "Doctoring Photos Ethically?", "Pedigree Dog Care"])
def test_words_that_merely_contain_the_letters_pass_the_title_rule(title):
    # "Mastering" is not "master": the rule is about whole words.
    assert title_problem(title) is None


@pytest.mark.parametrize("title_fr", ["Diplôme de visualisation", "Maîtrise des tableaux de bord", "Doctorat express"])
def test_a_french_title_that_calls_itself_a_qualification_is_a_problem(title_fr):
    microcredential = MicroCredentialFactory(title_fr=title_fr)
    problems = completeness(microcredential)["problems"]
    assert [p["field"] for p in problems] == ["title_fr"]
    assert title_fr.split()[0] in problems[0]["message"]
