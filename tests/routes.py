"""The project's URL patterns, walked from the resolver: what the generated tests (the permission
matrix, the audit trail) enumerate, so that a new route cannot slip past them."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """``(key, full pattern, pattern)`` for every route: the key is its namespaced name, or its full
    pattern when it has no name."""
    yield from _walk(get_resolver().url_patterns, prefix="", namespace="")


def _walk(patterns, *, prefix: str, namespace: str) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix=prefix + str(pattern.pattern), namespace=inner)
        elif isinstance(pattern, URLPattern):
            full = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else full), full, pattern
