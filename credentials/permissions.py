"""Who may do what with the register's records, as predicates shared by the API, the pages and
the templates. Deny by default: every predicate is False for an anonymous or inactive user."""

from accounts.permissions import can_read_full_register, is_agency_staff, is_provider


def can_read_microcredentials(user):
    """Micro-credentials are open to their provider (selectors scope which) and to the agency."""
    return is_provider(user) or is_agency_staff(user)


def is_own_microcredential(user, microcredential):
    """Only the provider's own staff change a micro-credential and its files."""
    return is_provider(user) and user.organisation_id == microcredential.provider_id


def can_see_verification_code(user, assessment):
    """The code is the learner's proof: its provider, registrars and the agency may read it
    in the register; anyone else needs the letter."""
    if can_read_full_register(user):
        return True
    return is_provider(user) and user.organisation_id == assessment.provider_id


def can_download_letters(user, assessment):
    """An entry's letters print its verification code, so they go to whoever may read the
    code and to nobody else: references are sequential, and a public download would hand
    out every code. Their hashes stay public, since verifying a letter needs them."""
    return can_see_verification_code(user, assessment)
