import datetime
from decimal import Decimal

import factory

from accounts.models import Organisation, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: "Provider %d" % n)
    kind = Organisation.Kind.PROVIDER


class UserFactory(factory.django.DjangoModelFactory):
    """A provider by default; `UserFactory(role="assessor")` joins the agency."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: "person%d@example.org" % n)
    name = factory.Faker("name", locale="en_CA")
    role = User.Role.PROVIDER
    organisation = factory.LazyAttribute(
        lambda o: OrganisationFactory(
            name={
                User.Role.PROVIDER: "Northern Lakes College",
                User.Role.REGISTRAR: "Lakeshore University",
            }.get(o.role, "Ontario Micro-credential Assessment Agency"),
            kind={
                User.Role.PROVIDER: Organisation.Kind.PROVIDER,
                User.Role.REGISTRAR: Organisation.Kind.INSTITUTION,
            }.get(o.role, Organisation.Kind.AGENCY),
        )
    )

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MicroCredentialFactory(factory.django.DjangoModelFactory):
    """A micro-credential with every required and recommended element present."""

    class Meta:
        model = "credentials.MicroCredential"

    provider = factory.LazyAttribute(lambda o: o.created_by.organisation)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: "Applied Data Visualisation %d" % n)
    description = "Turning operational data into clear charts for decision makers."
    learning_outcomes = factory.LazyFunction(
        lambda: ["Choose a chart that fits the question", "Critique a dashboard for clarity"]
    )
    title_fr = factory.Sequence(lambda n: "Visualisation appliquée des données %d" % n)
    description_fr = "Transformer les données opérationnelles en graphiques clairs pour les décideurs."
    learning_outcomes_fr = factory.LazyFunction(
        lambda: ["Choisir le graphique qui répond à la question", "Critiquer la clarté d'un tableau de bord"]
    )
    learner_effort_hours = Decimal("40")
    contact_hours = Decimal("18")
    proposed_level_id = "OQF-9"
    proposed_credits = Decimal("4")
    field_of_study_id = "0613"
    assessment_types = factory.LazyFunction(lambda: ["project", "quiz"])
    assessment_description = "A dashboard project (70%) and two quizzes (30%); pass at 60%."
    delivery_mode = "online_async"
    languages = factory.LazyFunction(lambda: ["en"])
    prerequisites = "none"
    quality_assurance = "Approved by the college's program quality committee."
    evidence_of_need = "Requested by three regional employers' advisory board."
    skills = factory.LazyFunction(lambda: ["Data visualisation"])
    stackability = "Stacks into the Data Analytics post-diploma certificate."
    industry_partners = "Lakehead Analytics"
    professional_recognition = "None yet."
    identity_verification = "Proctored final quiz with photo ID."
    price_cad = Decimal("450.00")
    url = "https://example.org/data-vis"
    starts_on = datetime.date(2027, 1, 11)
    ends_on = datetime.date(2027, 3, 5)
    credential_expiry = "Does not expire"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.Application"

    microcredential = factory.SubFactory(MicroCredentialFactory)
    provider = factory.LazyAttribute(lambda o: o.microcredential.provider)
    created_by = factory.LazyAttribute(lambda o: o.microcredential.created_by)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A register entry as sign-off makes it: issued through `credentials.services.assessment_issue`
    (terms period, history row, search vector, letter queued), never inserted as a bare row.
    With `letter=True` the letter task queued on commit runs inline."""

    class Meta:
        model = "credentials.Assessment"

    microcredential = factory.SubFactory(MicroCredentialFactory)
    level_id = "OQF-9"
    credits = Decimal("4")
    transfer_category = "upper_division"
    subject_area = "Data visualisation"
    recommended_by = factory.SubFactory(UserFactory, role=User.Role.ASSESSOR)
    signed_off_by = factory.SubFactory(UserFactory, role=User.Role.APPROVER, name="Avery Approver")
    current_from = datetime.date(2026, 3, 2)
    letter = False

    @classmethod
    def _create(cls, model_class, *args, letter=False, **kwargs):
        from django.test import TestCase

        from credentials.services import assessment_issue

        with TestCase.captureOnCommitCallbacks(execute=letter):
            return assessment_issue(**kwargs)


# A second factor with a known secret, so a test computes the codes an authenticator app would.
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_second_factor(user, secret=OTP_SECRET):
    from accounts.second_factor import totp_device_create

    return totp_device_create(user=user, secret=secret)


def otp_code(device, *, steps=0):
    """The code the app shows now (RFC 6238, django-otp's own `totp`), or `steps` periods later."""
    from django_otp.oath import totp

    return "%06d" % totp(device.bin_key, device.step, device.t0, device.digits, drift=steps)
