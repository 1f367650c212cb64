from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_create
from config.errors import DomainError


class Command(BaseCommand):
    help = "Create an account. Providers and registrars need --organisation (created when new)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument("--organisation", default=None, help="organisation name")
        parser.add_argument("--name", default="", help="the person's full name")
        parser.add_argument("--language", default=User.Language.ENGLISH, choices=User.Language.values,
                            help="the language of the person's pages and emails (default: en)")
        parser.add_argument("--otp-secret", default=None, metavar="BASE32",
                            help="enrol the second factor (TOTP) with this base32 secret")

    def handle(self, *args, **options):
        try:
            user = user_create(
                email=options["email"],
                password=options["password"],
                role=options["role"],
                organisation_name=options["organisation"],
                name=options["name"],
                language=options["language"],
                otp_secret=options["otp_secret"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(
                "; ".join("%s: %s" % (field, " ".join(msgs)) for field, msgs in exc.message_dict.items())
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                "Created %s account %s (%s)." % (user.role, user.email, user.organisation.name)
            )
        )
