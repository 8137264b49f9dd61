from django.core.paginator import InvalidPage
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1000


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination that refuses, rather than quietly adjusts, a bad page or page size.

    ``page_size`` runs from 1 to 1,000 (default 50); exports (``format=csv`` or ``geojson``) are not
    paginated at all.
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

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last" and not raw.isdigit():
            raise ValidationError({"page": ["Give a page number (1, 2, ...) or 'last'."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise
        except InvalidPage as exc:  # pragma: no cover - DRF converts these to NotFound
            raise NotFound(str(exc)) from exc

    def paginate_rows(self, queryset, fields, request) -> list[dict]:
        """One page of ``queryset`` as ``values(*fields)`` dicts.

        The count runs on the plain filtered queryset: counting the values() form would join the
        tables its fields come from for nothing.
        """
        self.request = request
        page_size = self.get_page_size(request)
        number = request.query_params.get(self.page_query_param, "1")
        if number != "last" and not number.isdigit():
            raise ValidationError({"page": ["Give a page number (1, 2, ...) or 'last'."]})
        paginator = DjangoPaginator(queryset, page_size)
        try:
            self.page = paginator.page(paginator.num_pages if number == "last" else int(number))
        except InvalidPage:
            raise NotFound("Invalid page.") from None
        start = (self.page.number - 1) * page_size
        return list(queryset.values(*fields)[start : start + page_size])
