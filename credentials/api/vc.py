"""Verifiable credentials and open data (docs/api.md, "Verifiable credentials and open data"):
the agency's DID document, each assessment's endorsement credential, the revocation status
list, the credential check and the register as CTDL JSON-LD. Thin: the work is in
credentials/vc/."""

import json

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import document_errors

from .. import selectors
from ..vc import ctdl, issue, keys, status_list
from ..vc.verify import NotACredential, credential_parse, credential_verify
from .serializers import CredentialVerificationSerializer


def json_response(data, *, content_type="application/json", **headers):
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response


class DidDocumentView(APIView):
    """The agency's DID document (did:web): the public key that checks its credentials."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, **document_errors(429)})
    def get(self, request):
        # Browser-based verifiers (web wallets) resolve the DID from other origins.
        return json_response(keys.did_document(), **{"Cache-Control": "public, max-age=300",
                                                      "Access-Control-Allow-Origin": "*"})


class AssessmentCredentialView(APIView):
    """The assessment as a signed Open Badges 3.0 EndorsementCredential, for anyone the
    register shows the entry to; `?download=1` saves it as a file."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("download", bool, required=False)],
                   responses={(200, "application/json"): OpenApiTypes.OBJECT, **document_errors(404, 429)})
    def get(self, request, reference):
        assessment = selectors.assessment_get(user=request.user, reference=reference)
        response = json_response(issue.credential_issue(assessment))
        if request.query_params.get("download"):
            response["Content-Disposition"] = 'attachment; filename="%s-credential.json"' % assessment.reference
        return response


class StatusListView(APIView):
    """The BitstringStatusListCredential of revocations, signed; a verifier may keep it for
    VC_STATUS_LIST_MAX_AGE seconds."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, **document_errors(429)})
    def get(self, request):
        return json_response(status_list.status_list_credential(),
                             **{"Cache-Control": "public, max-age=%d" % settings.VC_STATUS_LIST_MAX_AGE,
                                "Access-Control-Allow-Origin": "*"})


class RawBodyParser(BaseParser):
    """The body as bytes, whatever its declared type: credential_parse judges it, so a wrong
    Content-Type gets the same clear 400 as a body that is not JSON."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


def submitted_credential(request):
    """The bytes sent: the body, or a form's `file` (or `credential` text field)."""
    data = request.data
    if isinstance(data, bytes):
        return data
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read()
    text = data.get("credential") if hasattr(data, "get") else None
    return text.encode() if isinstance(text, str) else b""


class VerifyCredentialView(APIView):
    """Check a verifiable credential (the request body, JSON; or a form's `file`): its proof,
    that the agency issued it, its revocation status and its validity window. Not JSON or not
    a credential: 400."""

    permission_classes = [AllowAny]
    # The catch-all parser comes last: DRF takes the first whose type matches.
    parser_classes = [MultiPartParser, FormParser, RawBodyParser]

    @extend_schema(request={"application/json": OpenApiTypes.OBJECT},
                   responses={200: CredentialVerificationSerializer, **document_errors(400, 413, 429)})
    def post(self, request):
        try:
            result = credential_verify(credential_parse(submitted_credential(request)))
        except NotACredential as exc:
            return Response({"detail": str(exc)}, status=400)
        return Response(CredentialVerificationSerializer(result).data)


class RegisterJsonLdView(APIView):
    """The public register (current and expiring entries) as CTDL JSON-LD, streamed."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, **document_errors(429)})
    def get(self, request):
        response = StreamingHttpResponse(ctdl.register_jsonld(), content_type="application/ld+json; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="register.jsonld"'
        return response
