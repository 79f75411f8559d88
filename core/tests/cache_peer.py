"""Another process of the installation, as a second gunicorn worker is: ``python -m core.tests.cache_peer
ACTION ARG...`` starts Django with the environment it is given, works on the configured cache and prints
what it saw as JSON.

- ``set KEY VALUE``, ``get KEY``, ``delete KEY``: a cache entry;
- ``throttle ACCOUNT N``: N API requests of account ACCOUNT through the API's throttle, each allowed or not;
- ``forget ACCOUNT``: drop that account's throttle count.
"""

import json
import os
import sys
from types import SimpleNamespace


def main(action: str, *args: str) -> object:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from rest_framework.settings import api_settings

    (throttle_class,) = api_settings.DEFAULT_THROTTLE_CLASSES

    if action == "set":
        key, value = args
        cache.set(key, value, 300)
        return value
    if action == "get":
        return cache.get(args[0])
    if action == "delete":
        return cache.delete(args[0])
    account = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=int(args[0])), META={})
    if action == "throttle":
        return [throttle_class().allow_request(account, view=None) for _ in range(int(args[1]))]
    if action == "forget":
        return throttle_class().forget(account, view=None)
    raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
