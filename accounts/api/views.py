from django.contrib.auth import authenticate, logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.client_address import client_address
from config.errors import DomainError, document_errors

from .. import second_factor, services, tokens
from ..lockout import SignInAttempt
from .serializers import MeSerializer, MeUpdateSerializer, TokenRequestSerializer, TokenSerializer


class TokenView(APIView):
    """Exchange an email, a password and (agency staff, anyone enrolled) a code from the
    authenticator app for a new API token. The token is shown once and expires; too many
    failures for the account or from the client's address answer 429 for a while (with
    Retry-After), and 503 while the failures cannot be counted."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **document_errors(400, 415, 429, 503)},
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, code = data.validated_data["email"], data.validated_data.get("otp", "")
        # Refused (429, or 503 when the counters are unreachable) before the password is checked.
        attempt = SignInAttempt(account=email, address=client_address(request)).begin()
        user = authenticate(request, username=email, password=data.validated_data["password"])
        if user is None:
            attempt.failed()
            raise DomainError(_("The email or password is not correct, or the account is inactive."))
        if second_factor.second_factor_required(user):
            if second_factor.confirmed_device(user) is None:
                attempt.passed()
                raise ValidationError({"otp": [_(
                    "Agency staff use a second factor: enrol at sign-in first (on the sign-in page, with an "
                    "authenticator app), then ask again with its code."
                )]})
            if not code:
                attempt.passed()
                raise ValidationError({"otp": [_(
                    "This account signs in with a second factor: send the current 6-digit code of its "
                    "authenticator app as otp."
                )]})
            if not second_factor.totp_verify(user=user, code=code):
                attempt.failed()
                raise ValidationError({"otp": [_("The code is not correct, or it was already used.")]})
        attempt.succeeded()
        record, key = tokens.api_token_issue(user=user)
        return Response(TokenSerializer({"token": key, "expires_at": record.expiry}).data)


class LogoutView(APIView):
    """End the credential this request used: the token is deleted (other tokens and sessions
    of the account stay); a browser session is signed out."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out."), **document_errors(401, 429)})
    def post(self, request):
        if request.auth is not None:
            tokens.api_token_revoke(token=request.auth)
        else:
            logout(request)
        return Response(status=204)


class MeView(APIView):
    """The signed-in account: who you are, your role, your language and your organisation."""

    @extend_schema(responses={200: MeSerializer, **document_errors(401, 429)})
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses={200: MeSerializer, **document_errors(400, 401, 415, 429)})
    def patch(self, request):
        data = MeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = request.user
        if "language" in data.validated_data:
            user = services.user_language_set(user=user, language=data.validated_data["language"])
        return Response(MeSerializer(user).data)
