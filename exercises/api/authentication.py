"""API tokens: django-rest-knox's hashed, expiring tokens (issued by ``exercises.api.tokens``).

The database keeps only a SHA-512 digest of each token (and its first characters, to find it): a copy
of the database does not hand out working credentials. Kept apart from the views: DRF imports this
module while its own views module is still loading.
"""

from django.utils.translation import gettext_lazy as _
from knox import auth
from rest_framework import exceptions


class TokenAuthentication(auth.TokenAuthentication):
    """Knox's token authentication, answering 401 (not 500) for a token that is not plain text."""

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if not text or not text.isprintable() or not text.isascii():
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)
