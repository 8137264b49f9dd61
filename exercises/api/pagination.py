from django.core.paginator import InvalidPage
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
