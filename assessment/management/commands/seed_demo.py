from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organisation, User
from accounts.services import agency_organisation, organisation_get_or_create

# Demo accounts only: these passwords are printed on purpose and never used in production.
DEMO_PROVIDERS = ["Northern Lakes College", "Maple Leaf Skills Institute"]
DEMO_INSTITUTION = "Lakeshore University"
DEMO_ACCOUNTS = [
    ("provider@northernlakes.example", "Priya Provider", User.Role.PROVIDER, DEMO_PROVIDERS[0]),
    ("provider@mapleleaf.example", "Marc Tremblay", User.Role.PROVIDER, DEMO_PROVIDERS[1]),
    ("assessor@agency.example", "Alex Assessor", User.Role.ASSESSOR, None),
    ("assessor2@agency.example", "Sam Okafor", User.Role.ASSESSOR, None),
    ("approver@agency.example", "Avery Approver", User.Role.APPROVER, None),
    ("approver2@agency.example", "Jordan Lee", User.Role.APPROVER, None),
    ("registrar@lakeshore.example", "Riley Registrar", User.Role.REGISTRAR, DEMO_INSTITUTION),
    ("registraire@lakeshore.example", "Camille Gagnon", User.Role.REGISTRAR, DEMO_INSTITUTION),
    ("admin@agency.example", "Ada Admin", User.Role.ADMIN, None),
]
DEMO_PASSWORD_SUFFIX = "-demo-2026"
# Who reads the agency in French: their pages and emails are French from the first sign-in.
DEMO_FRANCOPHONES = {"provider@mapleleaf.example", "registraire@lakeshore.example"}


class Command(BaseCommand):
    help = "Create demo organisations and one account per role (printed with passwords). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Seed even though DEBUG is off (the demo resets its accounts to the printed passwords).",
        )

    def handle(self, *args, **options):
        # The demo sets every demo address's password to one printed here: on a real database
        # that would hand an account at such an address to whoever reads this output.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo resets the demo accounts to printed passwords, so it runs only with "
                "DEBUG on (the development settings). Give --force to seed anyway."
            )
        with transaction.atomic():
            rows = self.seed()
        # After the commit, so the table is not lost above the demo's notification emails
        # (printed on commit by the console mail backend).
        self.stdout.write("Demo accounts (sign in at %s/accounts/login/):" % settings.SITE_URL)
        width = max(len(email) for _, email, _, _ in rows)
        for role, email, password, organisation in rows:
            self.stdout.write("  %-10s %-*s  %-20s %s" % (role, width, email, password, organisation))

    def seed(self):
        agency = agency_organisation()
        kinds = {name: Organisation.Kind.PROVIDER for name in DEMO_PROVIDERS}
        kinds[DEMO_INSTITUTION] = Organisation.Kind.INSTITUTION
        organisations = {
            name: organisation_get_or_create(name=name, kind=kind) for name, kind in kinds.items()
        }
        rows = []
        for email, name, role, organisation_name in DEMO_ACCOUNTS:
            password = role + DEMO_PASSWORD_SUFFIX
            organisation = organisations[organisation_name] if organisation_name else agency
            user, _ = User.objects.update_or_create(
                email=email, defaults={"name": name, "role": role, "organisation": organisation,
                                       "language": "fr" if email in DEMO_FRANCOPHONES else "en"},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            rows.append((role, email, password, organisation.name))

        # The command is an entry point, so it may reach the apps built on accounts.
        from assessment.demo import seed_applications, seed_reviews
        from assessment.review import review_sweep
        from assessment.services import sla_sweep
        from credentials.demo import seed_assessments, seed_microcredentials

        providers = {
            name: User.objects.get(email=email) for email, _, role, name in DEMO_ACCOUNTS if role == User.Role.PROVIDER
        }
        microcredentials = seed_microcredentials(providers)
        seed_applications(microcredentials)
        seed_assessments(
            microcredentials,
            assessor=User.objects.get(email="assessor@agency.example"),
            approver=User.objects.get(email="approver@agency.example"),
        )
        seed_reviews(microcredentials)
        # Today's sweeps, as beat would have run them: the demo's older entries have reached
        # their review window (or lapsed) and its backdated cases their clock's status.
        review_sweep()
        sla_sweep()
        return rows
