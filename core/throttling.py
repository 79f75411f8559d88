"""The API's throttle: each account's requests counted per window in the shared cache, a lease at a time.

DRF's ``UserRateThrottle`` keeps the moment of every request of the last hour in one cache entry, read
and written whole on each request: at 10,000 requests an hour a list of up to 10,000 numbers, and with
the database cache a write transaction per request. This one counts instead. The hour (the rate's period)
is a fixed window whose count is kept in the shared cache, so that every gunicorn worker and machine
counts the account once; and a process takes its requests from that count a lease at a time (a
hundredth of the rate, at most ``MAX_LEASE``; one at a time for small rates), so that the cache is
written once per lease. An account is refused once its window's count has reached the rate. Leases
other processes hold unused may refuse it up to (processes - 1) x lease requests early, never late.
"""

import threading

from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import UserRateThrottle

LEASE_SHARE = 100
MAX_LEASE = 50

# Per account key and rate: (window, requests left of this process's lease).
_leases: dict[tuple[str, str], tuple[int, int]] = {}
_lock = threading.Lock()


class AccountRateThrottle(UserRateThrottle):
    """``UserRateThrottle``'s scope and rate (``DEFAULT_THROTTLE_RATES["user"]``), counted per window."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        account = self.get_cache_key(request, view)
        if account is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        lease = (account, self.rate)
        with _lock:
            held_window, left = _leases.get(lease, (window, 0))
            if held_window == window and left > 0:
                _leases[lease] = (window, left - 1)
                return True
        size = self.lease_size()
        counted = self._take(f"{account}:{window}", size)
        granted = min(size, self.num_requests - (counted - size))
        if granted <= 0:
            return self.throttle_failure()
        with _lock:
            _leases[lease] = (window, granted - 1)
        return True

    def lease_size(self) -> int:
        return max(1, min(MAX_LEASE, self.num_requests // LEASE_SHARE))

    def _take(self, key: str, size: int) -> int:
        """Add ``size`` to the window's count in the shared cache; the count after."""
        timeout = max(1, round(self.window_end - self.now) + 1)
        if isinstance(self.cache, RedisCache):
            try:
                return self.cache.incr(key, size)  # atomic, and the entry keeps its expiry
            except ValueError:
                if self.cache.add(key, size, timeout):
                    return size
                return self.cache.incr(key, size)
        # Other caches' incr() is a read and a write anyway, and forgets the expiry: as DRF's own throttle
        # does, read and write (the rare race loses a lease's count, never refuses wrongly).
        counted = (self.cache.get(key) or 0) + size
        self.cache.set(key, counted, timeout)
        return counted

    def wait(self) -> float:
        """Seconds until the window ends and the count starts again (``Retry-After``)."""
        return max(self.window_end - self.now, 0.0)

    def forget(self, request, view=None) -> None:
        """Drop the account's count of this window, in the shared cache and in this process."""
        account = self.get_cache_key(request, view)
        window = int(self.timer() // self.duration)
        self.cache.delete(f"{account}:{window}")
        with _lock:
            _leases.pop((account, self.rate), None)


def forget_leases() -> None:
    """This process's leases dropped (the tests' clean cache between tests)."""
    with _lock:
        _leases.clear()
