from django.core.paginator import InvalidPage
from django.core.paginator import Paginator as DjangoPaginator
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

    #: Above this many matches, a page is read by walking the exercises in order (EXISTS form);
    #: below, by sorting the matches collected from the related table's index (IN form).
    DENSE = 2000

    def paginate_rows(self, exists_form, in_form, columns, request) -> list[dict]:
        """One page of the filtered exercises as ``values(**columns)`` dicts.

        The count runs on the IN form without the page's columns (counting the values() form would
        join the tables its columns come from for nothing); the count then picks the form for the page.
        """
        self.request = request
        page_size = self.get_page_size(request)
        number = self.page_number(request)
        paginator = DjangoPaginator(in_form, page_size)
        try:
            self.page = paginator.page(paginator.num_pages if number == "last" else int(number))
        except InvalidPage:
            raise NotFound("Invalid page.") from None
        if not paginator.count:
            return []
        queryset = exists_form if paginator.count > self.DENSE else in_form
        start = (self.page.number - 1) * page_size
        # The page's ids first (a subquery with LIMIT), its columns after: per-row subqueries such as
        # the aggregated participants then run for the page's rows only, not for every match.
        ids = queryset.values("pk")[start : start + page_size]
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        page = queryset.model._default_manager.filter(pk__in=ids).order_by(*ordering)
        return list(page.values(*columns[0], **columns[1]))
