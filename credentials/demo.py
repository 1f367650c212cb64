"""Demo micro-credentials for seed_demo: some complete, some not. Safe to run twice."""

from decimal import Decimal

from django.utils import timezone

from .models import MicroCredential
from .services import microcredential_create

COMPLETE = {
    "description": "",
    "learner_effort_hours": Decimal("40"),
    "contact_hours": Decimal("20"),
    "proposed_credits": Decimal("4"),
    "assessment_types": ["project", "quiz"],
    "assessment_description": "Applied project (70%) and two online quizzes (30%); pass mark 60%.",
    "languages": ["en"],
    "prerequisites": "none",
    "quality_assurance": "Reviewed annually by the program advisory committee and the academic quality office.",
    "evidence_of_need": "Requested by the regional employers' workforce planning board (letter attached).",
}

DEMO = {
    "Northern Lakes College": [
        {**COMPLETE, "title": "Applied Data Visualisation",
         "description": "Turning operational data into clear charts and dashboards for decision makers.",
         "learning_outcomes": ["Choose a chart that fits the question asked",
                               "Build an interactive dashboard from a spreadsheet",
                               "Critique a dashboard for clarity and honesty"],
         "proposed_level": "OQF-9", "field_of_study": "0613", "delivery_mode": "online_async",
         "skills": ["Data visualisation", "Dashboard design"], "price_cad": Decimal("495"),
         "url": "https://www.example.org/northern-lakes/data-vis", "credential_expiry": "Does not expire",
         "title_fr": "Visualisation appliquée des données",
         "description_fr": "Transformer les données opérationnelles en graphiques et tableaux de bord clairs "
                           "pour les décideurs.",
         "learning_outcomes_fr": ["Choisir le graphique qui répond à la question posée",
                                  "Créer un tableau de bord interactif à partir d’un tableur",
                                  "Évaluer la clarté et l’honnêteté d’un tableau de bord"]},
        {**COMPLETE, "title": "Cold-Climate Heat Pump Installation",
         "description": "Sizing, installing and commissioning air-source heat pumps for northern homes.",
         "learning_outcomes": ["Size a heat pump for a cold-climate home", "Commission a system to the manufacturer's specification"],
         "learner_effort_hours": Decimal("60"), "proposed_credits": Decimal("6"), "assessment_types": ["practical", "exam"],
         "proposed_level": "OQF-5", "field_of_study": "0713", "delivery_mode": "blended", "languages": ["en", "fr"],
         "title_fr": "Installation de thermopompes pour climat froid",
         "description_fr": "Dimensionner, installer et mettre en service des thermopompes à air pour les "
                           "maisons du Nord.",
         "learning_outcomes_fr": ["Dimensionner une thermopompe pour une maison en climat froid",
                                  "Mettre un système en service selon les spécifications du fabricant"]},
        {"title": "Indigenous Perspectives in Workplace Safety",
         "description": "Safety practice informed by Indigenous knowledge and community relationships.",
         "delivery_mode": "in_person", "languages": ["en"]},
    ],
    "Maple Leaf Skills Institute": [
        {**COMPLETE, "title": "Customer Service Excellence in Retail",
         "description": "Handling complaints, accessibility (AODA) and service recovery on the sales floor.",
         "learning_outcomes": ["Resolve a customer complaint using a service recovery model",
                               "Serve customers with disabilities in line with AODA standards"],
         "proposed_level": "OQF-2", "field_of_study": "0416", "delivery_mode": "hybrid",
         "learner_effort_hours": Decimal("20"), "proposed_credits": Decimal("2"), "assessment_types": ["presentation", "quiz"]},
        {"title": "Bookkeeping with Cloud Accounting Software", "field_of_study": "0411",
         "learning_outcomes": ["Reconcile a bank account"], "proposed_level": "OQF-2"},
    ],
}


def seed_microcredentials(users_by_organisation):
    """Create the demo micro-credentials that do not exist yet; returns them by title."""
    by_title = {}
    for organisation_name, items in DEMO.items():
        user = users_by_organisation[organisation_name]
        for data in items:
            existing = MicroCredential.objects.filter(provider=user.organisation, title=data["title"]).first()
            by_title[data["title"]] = existing or microcredential_create(actor=user, data=data)
    return by_title


# Register entries for the demo: one per status a registrar meets most. (title, status, reason)
DEMO_ASSESSMENTS = [
    ("Applied Data Visualisation", "superseded", ""),
    ("Applied Data Visualisation", "current", ""),
    ("Cold-Climate Heat Pump Installation", "expiring", ""),
    ("Customer Service Excellence in Retail", "revoked", "The assessment evidence filed did not match the course as delivered."),
]
DEMO_DECISIONS = {
    "Applied Data Visualisation": ("OQF-9", Decimal("4"), "upper_division", "Data analysis and visualisation"),
    "Cold-Climate Heat Pump Installation": ("OQF-5", Decimal("6"), "vocational_certificate", "Building services engineering"),
    "Customer Service Excellence in Retail": ("OQF-2", Decimal("2"), "vocational_certificate", "Retail and customer service"),
}


def seed_assessments(microcredentials_by_title, *, assessor, approver):
    """Enter the demo assessments that do not exist yet, through assessment_issue as sign-off
    does (their letters follow on commit). Safe to run twice: a micro-credential that already
    has its entries is left alone."""
    import datetime as dt

    from django.db.models import Count

    from .models import Assessment
    from .services import assessment_discontinue, assessment_issue, assessment_revoke

    counts = dict(
        Assessment.objects.filter(microcredential__in=microcredentials_by_title.values())
        .values_list("microcredential").annotate(n=Count("id"))
    )
    wanted = {}
    for title, _, _ in DEMO_ASSESSMENTS:
        wanted[title] = wanted.get(title, 0) + 1
    previous = {}
    # Dated from today, so a demo seeded on any day shows its current entries current: the
    # newest half a year old, well before its review window opens.
    today = timezone.localdate()
    for position, (title, status, reason) in enumerate(DEMO_ASSESSMENTS):
        microcredential = microcredentials_by_title[title]
        if counts.get(microcredential.pk, 0) >= wanted[title]:
            continue
        level, credits, category, subject = DEMO_DECISIONS[title]
        assessment = assessment_issue(
            microcredential=microcredential, level_id=level, credits=credits, transfer_category=category,
            subject_area=subject, recommended_by=assessor, signed_off_by=approver,
            current_from=today - dt.timedelta(days=200 - 30 * position),
            supersedes=previous.get(title),
        )
        previous[title] = assessment
        if status == "expiring":
            # Discontinued by its provider a month ago, as a review declaring it would.
            assessment_discontinue(assessment=assessment, on=today - dt.timedelta(days=30),
                                   actor=microcredential.created_by)
        elif status == "revoked":
            assessment_revoke(actor=approver, assessment=assessment, reason=reason)
