"""Responses compressed for phones on slow networks."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Text shrinks to a fifth or less; photos, workbooks and other formats that are compressed already do not.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/geo+json",
    "image/svg+xml",
)


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip compression for the product's text: pages, JSON, and (with DEBUG on, where no
    compressed copies are collected) scripts and styles. Safe from BREACH (README "Deploying"): Django
    masks the CSRF token afresh in every response and pads every gzip body with random bytes, and no page
    shows another secret. The admin is left out: its API token list echoes a search next to the keys.
    Ranges are left out too: compressing part of a file would send a part of nothing."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        if response.status_code == 206 or response.has_header("Content-Range"):
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and "admin" in match.namespaces:
            return response
        return super().process_response(request, response)
