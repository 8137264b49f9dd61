"""Page-number pagination that refuses bad pages and page sizes, for every list endpoint."""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1000


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination that refuses, rather than quietly adjusts, a bad page or page size.

    ``page_size`` runs from 1 to 1,000 (default 50); exports (``format=csv`` or ``geojson``) are not
    paginated at all, but a bad ``page`` or ``page_size`` is refused there too (``check_params``).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": ["Give a whole number."]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be between 1 and {self.max_page_size}."]})
        return size

    def page_number(self, request) -> str:
        """The page asked for, as given: digits or 'last'."""
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last" and not (raw.isascii() and raw.isdecimal()):
            raise ValidationError({"page": ["Give a page number (1, 2, ...) or 'last'."]})
        return raw

    def check_params(self, request) -> None:
        """Refuse a bad page or page size where nothing is paginated (exports), as lists do."""
        self.get_page_size(request)
        self.page_number(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.page_number(request)
        return super().paginate_queryset(queryset, request, view)  # an out-of-range page: DRF's 404

    def paginate_selected(self, request, select) -> list:
        """The rows of the page a selector reads: ``select(number, size)`` returns a Django ``Page`` (see
        ``exercises.selectors.exercise_page``); this paginator validates the parameters and answers with
        the page's links and count, as for any page."""
        self.request = request
        size, number = self.get_page_size(request), self.page_number(request)
        try:
            self.page = select(number if number == "last" else int(number), size)
        except InvalidPage:
            raise NotFound("Invalid page.") from None
        return list(self.page.object_list)
