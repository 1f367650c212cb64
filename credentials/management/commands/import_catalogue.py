import time

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from credentials import catalogue
from credentials.completeness import completeness
from credentials.services import CatalogueRejected


class Command(BaseCommand):
    help = (
        "Import a provider's catalogue of micro-credentials (CSV or JSON, the contract's field names) "
        "as drafts: every row, or nothing with a report of each problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="The provider organisation's name.")
        parser.add_argument("file", help="Path to the CSV or JSON file.")

    def handle(self, *args, provider, file, **options):
        organisation = Organisation.objects.filter(name__iexact=provider.strip(), kind=Organisation.Kind.PROVIDER).first()
        if organisation is None:
            raise CommandError('No provider organisation is called "%s".' % provider)
        started = time.perf_counter()
        try:
            with open(file, "rb") as handle:
                created = catalogue.import_catalogue(actor=None, provider=organisation, upload=File(handle, name=file))
        except OSError as error:
            raise CommandError("Cannot read %s: %s" % (file, error.strerror)) from None
        except CatalogueRejected as rejected:
            for problem in rejected.extra.get("errors", []):
                self.stderr.write(
                    "  row %s, %s: %s" % (problem["row"] or "-", problem["field"] or "(whole row)", problem["problem"])
                )
            raise CommandError(rejected.message) from None
        elapsed = time.perf_counter() - started
        complete = sum(1 for m in created if not completeness(m)["missing_required"])
        self.stdout.write(
            "Imported %d micro-credentials for %s as drafts in %.2f s (%d with every required element)."
            % (len(created), organisation.name, elapsed, complete)
        )
