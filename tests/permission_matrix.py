"""The permission matrix: every URL pattern of the project × every role → the status expected.

Each issue that adds an endpoint or a page adds its row here; `test_permission_matrix.py`
fails when a URL pattern has no row, so nothing ships without a decision on who may use it.
A row is `url name: (method, path, {role: status})`, or a list of such rows when the URL
accepts more than one method (each method it accepts needs a row: the test probes them);
`path` may be a callable taking the `world` fixture (tests/conftest.py) when the URL needs an id.
`ALL` fills every role.
"""

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anonymous", "provider", "assessor", "approver", "registrar", "admin"]
SIGNED_IN = ROLES[1:]


def ALL(status):
    return {role: status for role in ROLES}


def signed_in(status, anonymous):
    return {"anonymous": anonymous, **{role: status for role in SIGNED_IN}}


def PROVIDER_AND_AGENCY(status, anonymous=401):
    """The provider (whose records the world's objects are) and agency staff get `status`."""
    return {"anonymous": anonymous, "provider": status, "assessor": status, "approver": status,
            "admin": status, "registrar": 403}


def ONLY_PROVIDER(status, anonymous=401):
    return {"anonymous": anonymous, "provider": status, **{r: 403 for r in SIGNED_IN if r != "provider"}}


def AGENCY_ASSESSORS(status, anonymous=401):
    """Assessors and approvers (an approver may do all an assessor may)."""
    return {"anonymous": anonymous, "assessor": status, "approver": status,
            **{r: 403 for r in ("provider", "registrar", "admin")}}


def ONLY_APPROVER(status, anonymous=401):
    return {"anonymous": anonymous, "approver": status, **{r: 403 for r in SIGNED_IN if r != "approver"}}


PAGE_READ = {"anonymous": 302, "provider": 200, "assessor": 200, "approver": 200, "admin": 200, "registrar": 403}


def PAGE_WRITE(status):
    return {"anonymous": 302, "provider": status, **{r: 403 for r in SIGNED_IN if r != "provider"}}


def PAGE_AGENCY(status):
    """Assessors and approvers."""
    return {"anonymous": 302, "assessor": status, "approver": status, **{r: 403 for r in ("provider", "registrar", "admin")}}


def PAGE_APPROVER(status):
    return {"anonymous": 302, "approver": status, **{r: 403 for r in SIGNED_IN if r != "approver"}}


# URL name prefixes left to their owners: Django's admin checks its own permissions (tested
# in tests/accounts/test_pages.py), the sidecar only serves static files.
EXEMPT_PREFIXES = ("admin:",)

MATRIX = {
    "home": ("get", "/", ALL(200)),
    "accounts:login": [
        ("get", "/accounts/login/", {"anonymous": 200, **{r: 302 for r in SIGNED_IN}}),
        # No credentials: the form comes back with its errors (signed-in users are sent home).
        ("post", "/accounts/login/", {"anonymous": 200, **{r: 302 for r in SIGNED_IN}}),
    ],
    "accounts:logout": ("post", "/accounts/logout/", ALL(302)),
    # The steps after the password belong to a half-signed-in session: without one, back to the
    # sign-in page; signed-in people go home.
    "accounts:sign-in-code": [("get", "/accounts/login/code/", ALL(302)), ("post", "/accounts/login/code/", ALL(302))],
    "accounts:sign-in-enrol": [("get", "/accounts/login/enrol/", ALL(302)), ("post", "/accounts/login/enrol/", ALL(302))],
    # Everyone's own account page; an empty code is refused with the form (the world's accounts
    # have no second factor yet).
    "accounts:security": [
        ("get", "/accounts/security/", signed_in(200, anonymous=302)),
        ("post", "/accounts/security/", signed_in(200, anonymous=302)),
    ],
    # Choosing one's language: signed in only; an empty choice is refused back to the account page.
    "accounts:language": ("post", "/accounts/language/", signed_in(302, anonymous=302)),
    # The language link of every page: anyone; it keeps the choice and opens the page.
    "language-switch": ("get", "/language/fr/?next=/verify/", ALL(302)),
    "accounts:password-reset": [("get", "/accounts/password-reset/", ALL(200)),
                                ("post", "/accounts/password-reset/", ALL(200))],
    "accounts:password-reset-sent": ("get", "/accounts/password-reset/sent/", ALL(200)),
    "accounts:password-reset-complete": ("get", "/accounts/password-reset/done/", ALL(200)),
    # A link that is not valid shows that it no longer works.
    "accounts:password-reset-confirm": [("get", "/accounts/password-reset/MQ/abc-123/", ALL(200)),
                                        ("post", "/accounts/password-reset/MQ/abc-123/", ALL(200))],
    "healthz": ("get", "/healthz", ALL(200)),
    "schema": ("get", "/api/schema/", ALL(200)),
    "swagger-ui": ("get", "/api/docs/", ALL(200)),
    "auth-token": ("post", "/api/v1/auth/token/", ALL(400)),
    "me": [("get", "/api/v1/me/", signed_in(200, anonymous=401)),
           # An empty PATCH changes nothing and answers the account.
           ("patch", "/api/v1/me/", signed_in(200, anonymous=401))],
    "auth-logout": ("post", "/api/v1/auth/logout/", signed_in(204, anonymous=401)),
    # Reference data is public: the register and integrators need the level names.
    "api-frameworks": ("get", "/api/v1/frameworks/", ALL(200)),
    "api-fields-of-study": ("get", "/api/v1/fields-of-study/", ALL(200)),
    # Providers write their own micro-credentials; the agency reads everyone's.
    "api-microcredentials": [
        ("get", "/api/v1/microcredentials/", {**PROVIDER_AND_AGENCY(200), "registrar": 403}),
        # Drafts may be incomplete, so an empty body makes one; only providers write.
        ("post", "/api/v1/microcredentials/", ONLY_PROVIDER(201)),
    ],
    "api-microcredential": [
        ("get", lambda w: "/api/v1/microcredentials/%d/" % w["microcredential"].pk,
         {**PROVIDER_AND_AGENCY(200), "registrar": 403}),
        # An empty PATCH changes nothing and answers the record.
        ("patch", lambda w: "/api/v1/microcredentials/%d/" % w["microcredential"].pk, ONLY_PROVIDER(200)),
    ],
    "api-microcredential-attachments": (
        "post", lambda w: "/api/v1/microcredentials/%d/attachments/" % w["microcredential"].pk,
        {**ONLY_PROVIDER(400)},
    ),
    "api-microcredential-attachment-file": (
        "get", lambda w: "/api/v1/microcredentials/%d/attachments/%d/file/" % (
            w["microcredential"].pk, w["attachment"].pk),
        {**PROVIDER_AND_AGENCY(200), "registrar": 403},
    ),
    "api-catalogue-import": ("post", "/api/v1/microcredentials/import/", ONLY_PROVIDER(400)),
    "api-catalogue-template": ("get", "/api/v1/microcredentials/import/template.csv", ONLY_PROVIDER(200)),
    "api-applications": [
        ("get", "/api/v1/applications/", {**PROVIDER_AND_AGENCY(200), "registrar": 403}),
        ("post", "/api/v1/applications/", ONLY_PROVIDER(400)),
    ],
    "api-application": (
        "get", lambda w: "/api/v1/applications/%d/" % w["application"].pk,
        {**PROVIDER_AND_AGENCY(200), "registrar": 403},
    ),
    # The world's application is a draft: it has no decision letter.
    "api-application-decision-letter": (
        "get", lambda w: "/api/v1/applications/%d/decision-letter/" % w["application"].pk,
        {**PROVIDER_AND_AGENCY(404), "registrar": 403},
    ),
    # An empty body on an incomplete draft: the provider gets the missing elements (400).
    # The world's application is an incomplete draft: an empty body names the missing field
    # (400) for those who may act; actions not open on a draft answer 409.
    "api-application-withdraw": (
        "post", lambda w: "/api/v1/applications/%d/withdraw/" % w["application"].pk, ONLY_PROVIDER(400),
    ),
    "api-application-respond": (
        "post", lambda w: "/api/v1/applications/%d/respond/" % w["application"].pk, ONLY_PROVIDER(400),
    ),
    "api-application-claim": (
        "post", lambda w: "/api/v1/applications/%d/claim/" % w["application"].pk, AGENCY_ASSESSORS(409),
    ),
    "api-application-request-info": (
        "post", lambda w: "/api/v1/applications/%d/request-info/" % w["application"].pk, AGENCY_ASSESSORS(400),
    ),
    "api-application-recommend": (
        "post", lambda w: "/api/v1/applications/%d/recommend/" % w["application"].pk, AGENCY_ASSESSORS(400),
    ),
    "api-application-assign": (
        "post", lambda w: "/api/v1/applications/%d/assign/" % w["application"].pk, ONLY_APPROVER(400),
    ),
    "api-application-return": (
        "post", lambda w: "/api/v1/applications/%d/return/" % w["application"].pk, ONLY_APPROVER(400),
    ),
    "api-application-sign-off": (
        "post", lambda w: "/api/v1/applications/%d/sign-off/" % w["application"].pk, ONLY_APPROVER(409),
    ),
    # Pages: anonymous visitors are sent to sign in; the agency reads, only providers write.
    "credentials:list": ("get", "/microcredentials/", PAGE_READ),
    # Drafts may be incomplete: an empty form saves one and goes to its page.
    "credentials:create": [
        ("get", "/microcredentials/new/", PAGE_WRITE(200)),
        ("post", "/microcredentials/new/", PAGE_WRITE(302)),
    ],
    "credentials:completeness": ("post", "/microcredentials/completeness/", PAGE_WRITE(200)),
    "credentials:import": [
        ("get", "/microcredentials/import/", PAGE_WRITE(200)),
        # No file: the form comes back with its error.
        ("post", "/microcredentials/import/", PAGE_WRITE(200)),
    ],
    "credentials:import-template": ("get", "/microcredentials/import/template.csv", PAGE_WRITE(200)),
    "credentials:detail": ("get", lambda w: "/microcredentials/%d/" % w["microcredential"].pk, PAGE_READ),
    "credentials:edit": [
        ("get", lambda w: "/microcredentials/%d/edit/" % w["microcredential"].pk, PAGE_WRITE(200)),
        ("post", lambda w: "/microcredentials/%d/edit/" % w["microcredential"].pk, PAGE_WRITE(302)),
    ],
    # An empty upload re-renders the page with the form's errors.
    "credentials:attachment-upload": (
        "post", lambda w: "/microcredentials/%d/attachments/" % w["microcredential"].pk, PAGE_WRITE(400),
    ),
    "credentials:attachment": (
        "get", lambda w: "/microcredentials/%d/attachments/%d/" % (w["microcredential"].pk, w["attachment"].pk),
        PAGE_READ,
    ),
    "applications:list": ("get", "/applications/", PAGE_READ),
    "applications:create": ("post", "/applications/new/", PAGE_WRITE(400)),
    "applications:detail": ("get", lambda w: "/applications/%d/" % w["application"].pk, PAGE_READ),
    # The world's draft is incomplete: the provider is sent back to it with what is missing.
    "applications:submit": ("post", lambda w: "/applications/%d/submit/" % w["application"].pk, PAGE_WRITE(302)),
    # The workflow's page actions on the world's draft: a role that may never act gets 403; one
    # that may gets its empty form back (400) or, when the draft does not allow the action,
    # the error page (409; no referrer to return to).
    "applications:withdraw": ("post", lambda w: "/applications/%d/withdraw/" % w["application"].pk, PAGE_WRITE(400)),
    "applications:respond": ("post", lambda w: "/applications/%d/respond/" % w["application"].pk, PAGE_WRITE(400)),
    "applications:claim": ("post", lambda w: "/applications/%d/claim/" % w["application"].pk, PAGE_AGENCY(409)),
    "applications:request-info": (
        "post", lambda w: "/applications/%d/request-info/" % w["application"].pk, PAGE_AGENCY(400)),
    "applications:recommend": ("post", lambda w: "/applications/%d/recommend/" % w["application"].pk, PAGE_AGENCY(400)),
    "applications:assign": ("post", lambda w: "/applications/%d/assign/" % w["application"].pk, PAGE_APPROVER(400)),
    "applications:return": ("post", lambda w: "/applications/%d/return/" % w["application"].pk, PAGE_APPROVER(400)),
    "applications:sign-off": ("post", lambda w: "/applications/%d/sign-off/" % w["application"].pk, PAGE_APPROVER(409)),
    "applications:note": (
        "post", lambda w: "/applications/%d/note/" % w["application"].pk,
        {"anonymous": 302, "provider": 403, "assessor": 400, "approver": 400, "admin": 400, "registrar": 403},
    ),
    "queue": ("get", "/queue/", {"anonymous": 302, "assessor": 200, "approver": 200, "admin": 200,
                                  "provider": 403, "registrar": 403}),
    # How the agency keeps its promise: agency staff, administrators included.
    "dashboard": ("get", "/dashboard/", {"anonymous": 302, "assessor": 200, "approver": 200, "admin": 200,
                                          "provider": 403, "registrar": 403}),
    "dashboard-export": ("get", "/dashboard/export.csv", {"anonymous": 302, "assessor": 200, "approver": 200,
                                                          "admin": 200, "provider": 403, "registrar": 403}),
    "api-application-submit": (
        "post", lambda w: "/api/v1/applications/%d/submit/" % w["application"].pk, ONLY_PROVIDER(400),
    ),
    # The register and verification are public; stacking is for registrars and the agency;
    # only approvers revoke (an empty reason: 400 from the API, back to the page with a message).
    "api-assessments": ("get", "/api/v1/assessments/", ALL(200)),
    "api-assessment": ("get", lambda w: "/api/v1/assessments/%s/" % w["assessment"].reference, ALL(200)),
    # The letter prints the verification code: the provider, registrars and the agency only
    # (another provider gets 404 too: tests/credentials/test_letter_access.py).
    "api-assessment-letter": (
        "get", lambda w: "/api/v1/assessments/%s/letter/" % w["assessment"].reference, {**ALL(200), "anonymous": 404},
    ),
    "api-assessment-revoke": (
        "post", lambda w: "/api/v1/assessments/%s/revoke/" % w["assessment"].reference,
        {**signed_in(403, anonymous=401), "approver": 400},
    ),
    "api-verify-code": ("get", lambda w: "/api/v1/verify/%s/" % w["assessment"].verification_code, ALL(200)),
    "api-verify-letter": ("post", "/api/v1/verify/letter/", ALL(400)),
    "api-verify-certificate": ("get", "/api/v1/verify/certificate.pem", ALL(200)),
    "api-stack": ("post", "/api/v1/stack/", {**signed_in(400, anonymous=401), "provider": 403}),
    # Exports and bulk verification: registrars and the agency; an empty body is a 400.
    "api-stack-csv": ("post", "/api/v1/stack/csv/", {**signed_in(400, anonymous=401), "provider": 403}),
    "api-stack-pdf": ("post", "/api/v1/stack/pdf/", {**signed_in(400, anonymous=401), "provider": 403}),
    "api-verify-bulk": ("post", "/api/v1/verify/bulk/", {**signed_in(400, anonymous=401), "provider": 403}),
    "register:list": ("get", "/register/", ALL(200)),
    "register:detail": ("get", lambda w: "/register/%s/" % w["assessment"].reference, ALL(200)),
    "register:revoke": (
        "post", lambda w: "/register/%s/revoke/" % w["assessment"].reference,
        {**signed_in(403, anonymous=302), "approver": 302},
    ),
    "register:verify": [
        ("get", "/verify/", ALL(200)),
        # No file: the page comes back (400) saying what to give.
        ("post", "/verify/", ALL(400)),
    ],
    "register:verify-code": ("get", lambda w: "/verify/%s/" % w["assessment"].verification_code, ALL(200)),
    "register:stack": [
        ("get", "/stack/", {**signed_in(200, anonymous=302), "provider": 403}),
        # No codes: the form comes back with its error.
        ("post", "/stack/", {**signed_in(200, anonymous=302), "provider": 403}),
    ],
    # No file: the calculator's page comes back (400) saying what to give.
    "register:bulk-verify": ("post", "/stack/bulk-verify/", {**signed_in(400, anonymous=302), "provider": 403}),
}


# Methods the probe tries on every URL; HEAD and OPTIONS follow GET and the framework.
METHODS = ("get", "post", "put", "patch", "delete")


def rows():
    """Every row as (url name, method, path, expected)."""
    for name, entry in MATRIX.items():
        for method, path, expected in entry if isinstance(entry, list) else [entry]:
            yield name, method, path, expected


def url_names(resolver=None, namespace=""):
    """Every URL pattern's full name ('ns:name'); an unnamed pattern yields its route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = namespace + pattern.namespace + ":"
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or "<unnamed %s>" % pattern.pattern)
