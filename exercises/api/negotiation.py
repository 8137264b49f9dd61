"""Content negotiation that honours the quality values of ``Accept`` (RFC 9110 section 12.5.1).

DRF's own negotiation tries the client's media types from the most specific to the least and ignores
``q``: ``Accept: text/csv;q=0.5, application/json`` answered CSV. Here the types the client prefers
most are tried first (a missing ``q`` is 1); among equal preferences the most specific first, as DRF
does; a type with ``q=0`` is never chosen, even through a wildcard. ``?format=`` still decides alone.
"""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.utils.mediatypes import _MediaType, order_by_precedence


def quality(media_type: _MediaType) -> float:
    try:
        return min(max(float(media_type.params.get("q", "1")), 0.0), 1.0)
    except ValueError:
        return 1.0  # an unreadable q is read as the default, as most servers do


class QualityNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE):
            return super().select_renderer(request, renderers, format_suffix)
        accepts = [_MediaType(text) for text in self.get_accept_list(request)]
        refused = [media for media in accepts if quality(media) == 0]
        offered = [
            (renderer, _MediaType(renderer.media_type))
            for renderer in renderers
            if not any(_MediaType(renderer.media_type).match(media) for media in refused)
        ]
        for level in sorted({quality(media) for media in accepts} - {0.0}, reverse=True):
            wanted = [media.orig for media in accepts if quality(media) == level]
            for group in order_by_precedence(wanted):
                for renderer, offers in offered:
                    for text in group:
                        media = _MediaType(text)
                        if offers.match(media):
                            # A wildcard is answered with the renderer's own type; a full type as asked
                            # (without its q).
                            chosen = renderer.media_type if offers.precedence > media.precedence else text
                            return renderer, _without_quality(chosen)
        raise exceptions.NotAcceptable(available_renderers=renderers)


def _without_quality(media_type: str) -> str:
    parts = [part.strip() for part in media_type.split(";")]
    return ";".join([parts[0], *(part for part in parts[1:] if not part.lower().startswith("q="))])
