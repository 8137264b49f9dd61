"""HTTP validators, conditional requests, cache directives and compression of the API's answers
(RFC 9110 sections 8.8 and 13, RFC 9111): the one place that computes an ETag or answers 304.

- **ETags** are a digest of the representation itself: its media type and its bytes. A digest is the
  simplest validator that is correct whatever the answer shows: a detail's ETag changes when the
  exercise changes and also when a place, state, organisation or source it shows is renamed, and JSON,
  the browsable page and CSV of the same record have different ones. It costs no query, only a hash of
  bytes already rendered (about 1 ms per 400 KB). The ETag of a gzip-coded answer is the identity
  answer's with ``-gzip`` appended: still strong, and distinct per content coding as RFC 9110 8.8.3
  asks (Django's own GZipMiddleware weakens it instead, which would make every If-Match fail).
  Streamed exports carry no ETag: it would need the whole result read before the first byte is sent.
  No ``Last-Modified``: only exercises have a modification time, and a detail shows places, states and
  sources that do not, so an ``If-Modified-Since`` answered from it would hide their changes.
- **Conditional reads**: ``If-None-Match`` answers 304 (GET and HEAD, weak comparison); ``If-Match``
  on a read compares strongly (a ``W/`` tag never matches) and answers 412. Exercise writes evaluate
  ``If-Match`` in the view, with :func:`matches_strongly` against the current representation.
- **Cache-Control**: successful anonymous reads are ``public, max-age=API_CACHE_SECONDS``; reads with
  credentials ``private, no-cache``; writes, errors and the token endpoint ``no-store``.
- **Compression**: successful GET and HEAD answers in JSON, CSV, GeoJSON and the OpenAPI schema of
  1 KB or more, streamed exports included, are gzip-coded for clients that accept it. HTML is never
  compressed (the browsable API and the admin embed a CSRF token next to reflected input: BREACH), nor
  are answers to writes (the token endpoint's answer is a secret).
"""

import hashlib
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.text import compress_sequence, compress_string

READS = ("GET", "HEAD")

#: Media types worth compressing (text that repeats its keys); never HTML.
COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/geo+json",
        "application/x-ndjson",
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
        "text/csv",
    }
)
#: Smaller answers gain too little from gzip to be worth its header and CPU.
MIN_COMPRESSED_SIZE = 1024
#: Django's GZipMiddleware's mitigation of BREACH-style length guessing: random padding per answer.
MAX_RANDOM_BYTES = 100
GZIP_SUFFIX = "-gzip"

_accepts_gzip = re.compile(r"\bgzip\b(?!\s*;\s*q=0(\.0{0,3})?\b)")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def etag_for(content: bytes, content_type: str, version: int | None = None) -> str:
    """The strong ETag of an identity-coded representation: a digest of its media type and bytes,
    after the record's version where it has one (an exercise: ``"7-3f2a..."``), so that a change the
    representation does not show (a part's field left out of it) still changes the tag."""
    digest = hashlib.sha256(media_type(content_type).encode() + b"\n" + content).hexdigest()[:32]
    return f'"{version}-{digest}"' if version is not None else f'"{digest}"'


def coded(etag: str, suffix: str = GZIP_SUFFIX) -> str:
    """The ETag of the same representation with a content coding applied."""
    return f"{etag[:-1]}{suffix}{etag[-1]}"


def matches_strongly(header: str, current: str) -> bool:
    """Whether an ``If-Match`` value names ``current`` (identity or gzip-coded) by strong comparison:
    a weak tag (``W/"..."``) never matches; ``*`` is for the caller to decide."""
    tags = set(parse_etags(header))
    return bool(tags & {current, coded(current)})


def mark_for_etag(response, version: int | None = None):
    """Asks the middleware to give the answer the ETag of its body (and ``version``, see
    :func:`etag_for`). Reads get one without asking; a write's answer only so (its body is the
    representation a read now gets: RFC 9110 8.8.3)."""
    response.etag_from_content = True
    response.etag_version = version
    return response


def anonymous(request) -> bool:
    user = getattr(request, "user", None)
    return "HTTP_AUTHORIZATION" not in request.META and not (user is not None and user.is_authenticated)


def accepts_gzip(request) -> bool:
    return bool(_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


class HTTPCachingMiddleware:
    """ETags, conditional answers, Cache-Control, Vary and compression for everything under /api/.

    Sits outside the session, CSRF and authentication middleware (it reads the user they set) and
    inside CORS (whose headers it leaves alone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        read = request.method in READS
        compressible = (
            read
            and response.status_code == 200
            and media_type(response.get("Content-Type", "")) in COMPRESSIBLE
            and not response.has_header("Content-Encoding")
            and (response.streaming or len(response.content) >= MIN_COMPRESSED_SIZE)
        )
        gzip = compressible and accepts_gzip(request)
        if compressible:
            patch_vary_headers(response, ("Accept-Encoding",))
        tagged = (read and response.status_code == 200) or getattr(response, "etag_from_content", False)
        if tagged and not response.streaming and 200 <= response.status_code < 300:
            tag = etag_for(response.content, response.get("Content-Type", ""), getattr(response, "etag_version", None))
            response.headers["ETag"] = coded(tag) if gzip else tag
        self.set_cache_control(request, response)
        if read and response.has_header("ETag"):
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional.status_code == 412:
                return self.precondition_failed(response)
            if conditional is not response:
                return conditional  # 304, with ETag, Cache-Control and Vary copied by Django
        if gzip:
            self.compress(response)
        return response

    @staticmethod
    def set_cache_control(request, response):
        if response.has_header("Cache-Control"):
            return
        if request.method in READS and response.status_code == 200:
            patch_vary_headers(response, ("Authorization",))
            if anonymous(request):
                patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
            else:
                patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_store=True)

    @staticmethod
    def compress(response):
        if response.streaming:
            response.streaming_content = compress_sequence(
                response.streaming_content, max_random_bytes=MAX_RANDOM_BYTES
            )
            del response.headers["Content-Length"]
        else:
            response.content = compress_string(response.content, max_random_bytes=MAX_RANDOM_BYTES)
            response.headers["Content-Length"] = str(len(response.content))
        response.headers["Content-Encoding"] = "gzip"

    @staticmethod
    def precondition_failed(response):
        failed = JsonResponse(
            {"detail": "If-Match names no current representation of this resource (a W/ tag never matches)."},
            status=412,
        )
        failed.headers["ETag"] = response["ETag"]
        patch_cache_control(failed, no_store=True)
        return failed
