"""``releases/``: the frozen data releases (``exercises.releases``), how to cite them, and their files."""

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from exercises import releases
from exercises.api import caching
from exercises.api.formats import FastJSONRenderer
from exercises.api.mixins import StrictQueryMixin


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    bytes = serializers.IntegerField(help_text="Size in bytes.")
    sha256 = serializers.CharField(help_text="SHA-256 of the file, in hex; its download's ETag.")
    url = serializers.URLField(help_text="Where to download it.")


class ReleaseChangesSerializer(serializers.Serializer):
    previous = serializers.CharField(allow_null=True, help_text="The release compared with (null: the first).")
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    removed = serializers.IntegerField()
    merged = serializers.IntegerField()


class ReleaseSerializer(serializers.Serializer):
    version = serializers.CharField()
    created = serializers.DateTimeField()
    url = serializers.URLField()
    rows = serializers.DictField(child=serializers.IntegerField(), help_text="Rows per table.")
    files = ReleaseFileSerializer(many=True)
    changes = ReleaseChangesSerializer(help_text="Exercises added, changed, removed and merged since the previous.")
    cite = serializers.CharField(help_text="How to cite this release.")


def release_answer(request, package: dict) -> dict:
    version = package["version"]
    url = request.build_absolute_uri(reverse("exercises-api:release-detail", args=[version]))
    created = package["created"]
    return {
        "version": version,
        "created": created,
        "url": url,
        "rows": {r["name"]: r["x-rows"] for r in package["resources"] if r["name"] != "changes"},
        "files": [
            {
                **file,
                "url": request.build_absolute_uri(reverse("exercises-api:release-file", args=[version, file["name"]])),
            }
            for file in releases.release_files(package)
        ],
        "changes": package["x-changes"],
        "cite": f"{package['title']}, release {version} ({created[:10]}), {url}",
    }


VERSION = OpenApiParameter(
    "version", str, OpenApiParameter.PATH, description=f"The release's version: {releases.VERSION_RULE}."
)


@extend_schema_view(
    list=extend_schema(summary="List data releases", responses=ReleaseSerializer(many=True)),
    retrieve=extend_schema(summary="One data release", parameters=[VERSION], responses=ReleaseSerializer),
)
class ReleaseViewSet(StrictQueryMixin, viewsets.ViewSet):
    """Frozen, numbered releases of the whole data: one CSV per table, a Frictionless Data Package
    descriptor (datapackage.json) and the changes since the previous release. Newest first."""

    permission_classes = [permissions.AllowAny]  # read-only: the public data, as files
    lookup_field = "version"
    lookup_value_regex = r"[^/]+"
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer]

    def allowed_query_params(self):
        return set() if self.action == "download" else super().allowed_query_params()

    def get_renderers(self):
        # A file is sent as it is stored; JSON is for the errors.
        return [FastJSONRenderer()] if getattr(self, "action", None) == "download" else super().get_renderers()

    def list(self, request):
        packages = (releases.descriptor(version) for version in releases.versions())
        return Response([release_answer(request, package) for package in packages if package])

    def retrieve(self, request, version=None):
        return Response(release_answer(request, self.package(version)))

    @extend_schema(
        operation_id="v1_releases_file_retrieve",
        summary="A file of a data release",
        parameters=[
            VERSION,
            OpenApiParameter("filename", str, OpenApiParameter.PATH, description="One of the release's files."),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="A table (RFC 4180, UTF-8)."),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="datapackage.json or changes.json."
            ),
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR, description="CHANGELOG.md."),
        },
    )
    def download(self, request, version=None, filename=None):
        package = self.package(version)
        file = next((f for f in releases.release_files(package) if f["name"] == filename), None)
        if file is None:  # only the files the release lists: no other path is ever opened
            raise NotFound(f"Release {version} has no file {filename!r}.")
        content_type = releases.content_type(filename)
        response = FileResponse(releases.open_file(f"{version}/{filename}"), content_type=content_type)
        response["Content-Length"] = str(file["bytes"])
        tag = f'"{file["sha256"]}"'
        gzipped = caching.media_type(content_type) in caching.COMPRESSIBLE and caching.accepts_gzip(request)
        response["ETag"] = caching.coded(tag) if gzipped else tag  # the middleware gzips these (streamed)
        return response

    @staticmethod
    def package(version: str) -> dict:
        package = releases.descriptor(version)
        if package is None:
            raise NotFound(f"No release {version}.")
        return package
