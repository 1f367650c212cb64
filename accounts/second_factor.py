"""The second factor: an authenticator app's codes (TOTP, RFC 6238: 6 digits, 30 seconds), kept
as django-otp TOTP devices.

Agency staff must use one; providers and registrars may enrol, and from then on must give codes
too. Enrolment makes an unconfirmed device and shows its secret (QR code and base32 text); the
first correct code confirms it. The session that showed a secret remembers its device, and only
that device can be confirmed there. A code is accepted once: django-otp remembers the last time step
it verified, and the device row is locked while a code is checked so two requests carrying the
same code cannot both pass.
"""

import base64
import binascii

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions

DEVICE_NAME = gettext_lazy("Authenticator app")


def confirmed_device(user):
    """The account's confirmed device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(user):
    """Agency staff always; anyone else once they have confirmed a device."""
    return permissions.second_factor_mandatory(user) or confirmed_device(user) is not None


def secret_base32(device):
    """The secret as a person types it into an authenticator app: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device):
    """The device's otpauth:// address as an inline SVG QR code, labelled for screen readers."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("QR code of your sign-in secret for an authenticator app"), svgclass="agency-qr",
    )


def code_cleaned(text):
    """A code as typed or pasted, without the spaces, tabs and line breaks people put in it:
    the one cleaning of the page's form and the API alike."""
    return "".join((text or "").split())


def _code_valid(device, code):
    code = code_cleaned(code)
    if len(code) != device.digits or not code.isdigit():
        return False
    return device.verify_token(code)


@transaction.atomic
def totp_enrolment_start(*, user, device_id=None):
    """The device an enrolment shows: `device_id`, the one this enrolment (a half sign-in, or a
    visit to the account page) already showed, while it is still unconfirmed, so the QR code
    shown again is the one already scanned; otherwise a new device with a new secret.

    A new one replaces the account's other unconfirmed devices: a secret is only ever shown to
    the enrolment it was made for (never to another session that has the password), and an
    abandoned one can no longer be confirmed."""
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    totp_enrolment_cancel(user=user)
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user, device_id, code):
    """Confirm the device this enrolment showed with its first code; False when the code is
    wrong or the device is no longer the one being enrolled."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or not _code_valid(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return True


@transaction.atomic
def totp_enrolment_cancel(*, user):
    """End the account's unfinished enrolments (a new one starts, or the password was reset)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


@transaction.atomic
def totp_verify(*, user, code):
    """Whether the code is the current one of the account's confirmed device (and unused)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    return device is not None and _code_valid(device, code)


@transaction.atomic
def totp_device_create(*, user, secret):
    """Enrol a confirmed device with a base32 secret given at account creation
    (`create_account --otp-secret`)."""
    text = "".join((secret or "").split()).upper()
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"otp_secret": [_("The second-factor secret must be base32 (letters A–Z and digits 2–7).")]}) from exc
    if len(key) < 10:
        raise ValidationError({"otp_secret": [_("The second-factor secret must be at least 16 base32 characters (80 bits).")]})
    if len(key) > 40:
        raise ValidationError({"otp_secret": [_("The second-factor secret must be at most 64 base32 characters.")]})
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key.hex(), confirmed=True)
