"""What the API's lists answer read as values (``core.rows``) and through DRF's serializers, side by side."""

import json

from core import rows


def _keys(value):
    """Every object's keys in order, nested: the shape a client that reads keys in order sees."""
    if isinstance(value, dict):
        return [(key, _keys(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_keys(item) for item in value]
    return None


def both_ways(client, url: str, monkeypatch, params: dict | None = None) -> tuple[dict, dict]:
    """The JSON of ``GET url`` read as values, and as DRF's serializers give it (``READ_AS_VALUES`` off)."""
    fast = client.get(url, params or {})
    with monkeypatch.context() as patch:
        patch.setattr(rows, "READ_AS_VALUES", False)
        slow = client.get(url, params or {})
    assert fast.status_code == slow.status_code == 200, (fast.content[:300], slow.content[:300])
    assert fast["Content-Type"] == slow["Content-Type"]
    return json.loads(fast.content), json.loads(slow.content)


def assert_rows_match(client, url: str, monkeypatch, params: dict | None = None, *, pages: int = 3) -> list[dict]:
    """The two ways answer the same JSON, key order included, on the first ``pages`` pages (following
    ``next``); returns every row read."""
    seen: list[dict] = []
    for _ in range(pages):
        fast, slow = both_ways(client, url, monkeypatch, params)
        assert fast == slow
        assert _keys(fast) == _keys(slow)
        results = fast.get("results", []) if isinstance(fast, dict) else fast
        seen += results
        following = fast.get("next") if isinstance(fast, dict) else None
        if not following:
            break
        url, params = following, None
    return seen
