"""Letters as the Assessment model will describe them, for tests and benchmarks/letters.py.
Level names are the Ontario Qualifications Framework's (seed paper, Table 1)."""

import datetime as dt
import subprocess
from decimal import Decimal

from django.conf import settings
from django.utils.translation.reloader import translation_file_changed

from credentials.letters.render import AssessmentLetter, DecisionLetter


def french_catalogue():
    """Compile locale/fr's catalogue when its .mo is missing or older than the .po (the build
    compiles it; the .mo is not committed), and make Django read it again, so the French
    sections of a letter are French in a fresh checkout too."""
    po = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
        translation_file_changed(sender=None, file_path=mo)


def assessment_letter(**changes) -> AssessmentLetter:
    values = dict(
        reference="MCA-2026-00042",
        verification_code="K7QF-3MZP-9WXA-C2HD",
        provider="Lakeshore College of Applied Arts and Technology",
        provider_address=("Office of the Registrar", "1 Harbour Street", "Toronto, Ontario  M5J 2X7"),
        title="Data Analytics for Supply Chain Operations",
        title_fr="Analyse de données pour les opérations de la chaîne d'approvisionnement",
        notional_hours=60,
        delivery_mode="Blended (online and in person)",
        assessment_description=(
            "Two applied projects on an anonymised distributor's data (30% each) and a proctored "
            "online examination (40%); pass mark 65%, graded pass/fail with distinction."
        ),
        framework="Ontario Qualifications Framework",
        framework_fr="Cadre de classification des titres de compétence de l’Ontario",
        level_id="OQF-9",
        level_name="Post-Diploma Certificate",
        level_name_fr="Certificat postdiplôme",
        credits=Decimal("4.5"),
        transfer_category="upper_division",
        subject_area="Business analytics (ISCED-F 0413, management and administration)",
        valid_from=dt.date(2026, 3, 2),
        next_review_date=dt.date(2027, 3, 2),
        letter_date=dt.date(2026, 3, 2),
        version=1,
        approver_name="Dr. Amara Okafor",
        approver_title="Senior Assessor, Credit Assessment",
    )
    values.update(changes)
    return AssessmentLetter(**values)


def decision_letter(**changes) -> DecisionLetter:
    values = dict(
        reference="MCA-2026-00057",
        provider="Northway Skills Institute",
        provider_address=("Program Office", "220 King Street West", "Hamilton, Ontario  L8P 1A9"),
        title="Workplace Leadership Essentials",
        title_fr="L'essentiel du leadership en milieu de travail",
        notional_hours=12,
        delivery_mode="Online, self-paced (asynchronous)",
        assessment_description="An unproctored multiple-choice quiz at the end of each module.",
        reasons=(
            "The learning outcomes describe topics covered rather than what a learner will be able to do.",
            "The assessment does not show that the outcomes are achieved: an unproctored quiz with "
            "unlimited attempts cannot evidence learning at the proposed level (OQF-5, Certificate III).",
            "No evidence of need from employers, industry or the community was provided.",
        ),
        letter_date=dt.date(2026, 3, 9),
        approver_name="Dr. Amara Okafor",
        approver_title="Senior Assessor, Credit Assessment",
    )
    values.update(changes)
    return DecisionLetter(**values)
