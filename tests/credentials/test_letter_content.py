"""What an entry's stored letter says, from the entry (its snapshot and French title) through
the service that issues it: both languages, the French title where the entry has one."""


import pytest

from credentials.models import Letter
from tests.factories import MicroCredentialFactory
from tests.pdf_text import pdf_text as page_text

from .letter_samples import french_catalogue
from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")




def test_the_issued_letter_gives_the_entry_in_english_then_french(db):
    french_catalogue()
    assessment = issue(people(), microcredential=MicroCredentialFactory(title="Data visualisation"),
                       credits="2.5")
    letter = Letter.objects.get(assessment=assessment, version=1)
    with letter.file.open("rb") as file:
        pdf = file.read()
    english, french = page_text(pdf, 1), page_text(pdf, 2)
    assert "“Data visualisation”" in english and "2.5 agency credits" in english
    assert assessment.title_fr and "« %s »" % assessment.title_fr in french
    assert "2,5 crédits de l’Agence" in french
    assert english.count(assessment.verification_code) == 1 and assessment.verification_code not in french
