"""The API throttle (``core.throttling``): an account's requests counted per window in the shared cache,
taken a lease at a time, never letting more through than the rate."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from core import throttling
from core.throttling import AccountRateThrottle


def account(pk: int) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=pk), META={})


class Throttle(AccountRateThrottle):
    def __init__(self, rate: str, now: list[float]) -> None:
        self.rate = rate
        self.timer = lambda: now[0]
        super().__init__()


@pytest.fixture
def clock():
    throttling.forget_leases()
    yield [7200.0]  # the start of an hour
    throttling.forget_leases()


@pytest.mark.django_db
def test_it_lets_exactly_the_rate_through_in_a_window_then_refuses_until_the_next(clock):
    allowed = [Throttle("3/hour", clock).allow_request(account(1), None) for _ in range(5)]
    refused = Throttle("3/hour", clock)
    refused.allow_request(account(1), None)
    clock[0] += 600

    assert allowed == [True, True, True, False, False]
    assert refused.wait() == 3600
    clock[0] += 3000
    assert Throttle("3/hour", clock).allow_request(account(1), None)
    assert Throttle("3/hour", clock).allow_request(account(2), None)  # another account counts apart


@pytest.mark.django_db
def test_a_high_rate_is_counted_in_the_shared_cache_once_per_lease(clock, django_assert_max_num_queries):
    throttle = Throttle("10000/hour", clock)
    key = f"{throttle.get_cache_key(account(1), None)}:2"

    assert all(Throttle("10000/hour", clock).allow_request(account(1), None) for _ in range(120))

    assert throttle.lease_size() == 50
    assert cache.get(key) == 150  # three leases of 50 taken for 120 requests


@pytest.mark.django_db
def test_leases_never_let_more_than_the_rate_through_across_processes(clock):
    def another_process():
        throttling.forget_leases()  # a process of its own: no lease of this one's

    granted = 0
    for _ in range(4):
        another_process()
        granted += sum(Throttle("200/hour", clock).allow_request(account(1), None) for _ in range(70))

    assert granted == 200
