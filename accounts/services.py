from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.errors import DomainError

from .models import ORGANISATION_KIND_FOR_ROLE, Organisation, User
from .second_factor import totp_device_create


class AccountExists(DomainError):
    pass


def agency_organisation():
    """The agency itself: every assessor, approver and administrator belongs to it."""
    organisation, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.AGENCY, defaults={"name": settings.AGENCY_NAME}
    )
    return organisation


@transaction.atomic
def organisation_get_or_create(*, name, kind):
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"organisation": [_("An organisation name is required.")]})
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is None:
        return Organisation.objects.create(name=name, kind=kind)
    if existing.kind != kind:
        raise ValidationError(
            {
                "organisation": [
                    _("\"%(name)s\" is already registered as a %(kind)s, not a %(asked)s.")
                    % {"name": existing.name, "kind": existing.get_kind_display().lower(),
                       "asked": Organisation.Kind(kind).label.lower()}
                ]
            }
        )
    return existing


@transaction.atomic
def user_create(*, email, password, role, organisation_name=None, name="", language=User.Language.ENGLISH,
                otp_secret=None):
    """Create an account. Providers and registrars name their organisation (created when new);
    agency staff always belong to the agency. `otp_secret` (base32) enrols the second factor."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    errors = {}
    if not email or "@" not in email:
        errors["email"] = [_("Enter a valid email address.")]
    if role not in User.Role.values:
        errors["role"] = [_("Role must be one of: %s.") % ", ".join(User.Role.values)]
    if language not in User.Language.values:
        errors["language"] = [_("Language must be one of: %s.") % ", ".join(User.Language.values)]
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(email__iexact=email).exists():
        raise AccountExists(_("An account with the email %s already exists.") % email)

    kind = ORGANISATION_KIND_FOR_ROLE[role]
    if kind == Organisation.Kind.AGENCY:
        organisation = agency_organisation()
    elif not organisation_name:
        raise ValidationError(
            {"organisation": [_("A %s account needs an organisation (--organisation NAME).") % role]}
        )
    else:
        organisation = organisation_get_or_create(name=organisation_name, kind=kind)

    user = User(email=email, role=role, organisation=organisation, name=(name or "").strip(), language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two requests for the same email at once: the database's unique index decides.
        raise AccountExists(_("An account with the email %s already exists.") % email) from exc
    if otp_secret is not None:
        totp_device_create(user=user, secret=otp_secret)
    return user


@transaction.atomic
def user_language_set(*, user, language):
    """The language of the person's pages and emails."""
    if language not in User.Language.values:
        raise ValidationError({"language": [_("Language must be one of: %s.") % ", ".join(User.Language.values)]})
    user.language = language
    user.save(update_fields=["language"])
    return user
