from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", gettext_lazy("Assessment agency")
        PROVIDER = "provider", gettext_lazy("Provider")
        INSTITUTION = "institution", gettext_lazy("Receiving institution")

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["agency", "provider", "institution"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name


def canonical_email(email):
    """The form an email is stored in, and the only form an account is found by when someone
    signs in, asks for a token or a password reset, and counted by in the lockout.

    An exact match on Python's lower-casing, never the database's case-insensitive match: for
    PostgreSQL UPPER('ſ') is 'S' and UPPER('ı') is 'I', so `email__iexact` found
    "jessica@…" for "jeſſica@…", a name the lockout (keyed in Python) counted apart.
    """
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=canonical_email(email))

    def provider_staff(self, organisation):
        """The organisation's (an id, or an OuterRef) active provider accounts: the people
        mail to a provider goes to."""
        return self.filter(organisation=organisation, role=User.Role.PROVIDER, is_active=True)

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        # `createsuperuser` makes an agency administrator.
        from accounts.services import agency_organisation

        extra.setdefault("role", User.Role.ADMIN)
        extra.setdefault("organisation", agency_organisation())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser):
    """A person who signs in with their email. The role alone decides what they may do."""

    class Role(models.TextChoices):
        PROVIDER = "provider", gettext_lazy("Provider")
        ASSESSOR = "assessor", gettext_lazy("Assessor")
        APPROVER = "approver", gettext_lazy("Approver")
        REGISTRAR = "registrar", gettext_lazy("Registrar")
        ADMIN = "admin", gettext_lazy("Administrator")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        FRENCH = "fr", "Français"

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    # The language of the pages and the emails this person gets (docs/rules.md, "Two official languages").
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Emails are stored lower-cased; this keeps "A@x" and "a@x" from ever coexisting.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["provider", "assessor", "approver", "registrar", "admin"]
                ),
                name="user_role_valid",
            ),
            models.CheckConstraint(condition=models.Q(language__in=["en", "fr"]), name="user_language_valid"),
        ]

    def __str__(self):
        return self.name or self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        # The role as stored, so save() knows whether it changes (absent when deferred).
        user._stored_role = user.__dict__.get("role")
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "role" in fields:
            self._stored_role = self.role

    def _role_changes(self, update_fields):
        if self.pk is None or "role" in self.get_deferred_fields():
            return False
        if update_fields is not None and "role" not in update_fields:
            return False
        # An instance never loaded nor saved here may be changing it: assume so.
        return getattr(self, "_stored_role", None) != self.role

    def save(self, *args, **kwargs):
        # The one place every path that changes a password, a role or deactivates an account
        # goes through (the reset form, the admin's password and account forms,
        # `changepassword`, any service): the account's API tokens die here, as its sessions
        # die with the password and the role through the session hash
        # (_get_session_auth_hash). A new role is reached only by signing in again, with the
        # second factor it may require. `_password` is set by set_password() until the save.
        update_fields = kwargs.get("update_fields")
        revoke_tokens = self.pk is not None and (
            self._password is not None or not self.is_active or self._role_changes(update_fields)
        )
        super().save(*args, **kwargs)
        self._stored_role = self.role
        if revoke_tokens:
            from .tokens import api_tokens_revoke

            api_tokens_revoke(user=self)

    def _get_session_auth_hash(self, secret=None):
        # Django's HMAC of the password, with the role in it too: a role change ends every
        # session (and half sign-in) of the account, so a provider made an approver is not an
        # approver without the second factor. Django calls this for the current SECRET_KEY
        # and for each of SECRET_KEY_FALLBACKS. Deploying it ends every session made before
        # (their hash covered the password alone), including those from before the second
        # factor existed: everyone signs in again, once (README, "Upgrading").
        return salted_hmac(
            "accounts.User.session_auth_hash",
            "%s\x00%s" % (self.password, self.role),
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    # The Django admin asks these; only agency administrators may use it, and they may do
    # everything there.
    @property
    def is_staff(self):
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_superuser(self):
        return self.is_staff

    def has_perm(self, perm, obj=None):
        return self.is_staff

    def has_perms(self, perm_list, obj=None):
        return self.is_staff

    def has_module_perms(self, app_label):
        return self.is_staff

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()
        expected = ORGANISATION_KIND_FOR_ROLE.get(self.role)
        if expected and self.organisation_id and self.organisation.kind != expected:
            raise ValidationError(
                {
                    "organisation": _("A %(role)s belongs to a %(kind)s, and %(name)s is a %(actual)s.")
                    % {
                        "role": self.get_role_display().lower(),
                        "kind": Organisation.Kind(expected).label.lower(),
                        "name": self.organisation.name,
                        "actual": self.organisation.get_kind_display().lower(),
                    }
                }
            )


# Which kind of organisation each role belongs to.
ORGANISATION_KIND_FOR_ROLE = {
    User.Role.PROVIDER: Organisation.Kind.PROVIDER,
    User.Role.REGISTRAR: Organisation.Kind.INSTITUTION,
    User.Role.ASSESSOR: Organisation.Kind.AGENCY,
    User.Role.APPROVER: Organisation.Kind.AGENCY,
    User.Role.ADMIN: Organisation.Kind.AGENCY,
}
