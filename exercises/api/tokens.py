"""The token endpoints: issue a token for a username and password, revoke one or all of them.

A token expires after ``API_TOKEN_TTL_HOURS`` (settings); a client signs out by ``POST auth/logout/``
(this token) or ``auth/logout-all/`` (every token of the user); an administrator revokes tokens in the
admin.
"""

from django.utils.cache import patch_cache_control
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from knox import views
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny

from exercises.api.authentication import TokenAuthentication


class TokenScheme(KnoxTokenScheme):
    """Documents our subclass of knox's authentication as knox's own (drf-spectacular matches by class).
    Here, not beside the class: this module loads with the URLs, before any schema is generated."""

    target_class = "exercises.api.authentication.TokenAuthentication"
    name = "tokenAuth"


TokenResponse = inline_serializer(
    "TokenResponse",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once."),
        "expiry": serializers.DateTimeField(allow_null=True, help_text="When the token stops working."),
    },
)


class LoginView(views.LoginView):
    """Issue a token for a username and password (form or JSON body).

    Failed attempts count towards django-axes' lockout, as in the admin: the serializer authenticates
    with the request, so the lockout sees the address and the username.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponse}, tags=["auth"])
    def post(self, request, format=None):
        session = request._request.session
        had_session = session.session_key is not None
        try:
            # Django's own request, not DRF's wrapper: axes marks a locked-out login on the request it
            # is given, and its middleware (which then answers 429) looks at Django's.
            serializer = self.serializer_class(data=request.data, context={"request": request._request})
            serializer.is_valid(raise_exception=True)
            request.user = serializer.validated_data["user"]
            return super().post(request, format=format)
        finally:
            # A token is the credential: no session, no cookie. django-axes creates a session to
            # fingerprint the attempt in its access log; one this request created is dropped again
            # (a browser's existing admin session is left alone).
            if not had_session and session.session_key is not None:
                session.flush()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True)  # the answer is a secret (RFC 9111 5.2.2.5)
        return response


REVOKE_SCHEMA = extend_schema_view(post=extend_schema(request=None, responses={204: None}, tags=["auth"]))


@REVOKE_SCHEMA
class LogoutView(views.LogoutView):
    """Revoke the token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]


@REVOKE_SCHEMA
class LogoutAllView(views.LogoutAllView):
    """Revoke every token of the user this request is authenticated as."""

    authentication_classes = [TokenAuthentication]
