"""Fault drills: the real processes of a production installation (gunicorn, Celery worker and
beat), on private PostgreSQL and Redis servers on loopback ports, while a server or a worker fails.

Run them with ``make faults``; ``make test`` leaves them out (``norecursedirs`` in pytest.ini). Each
scenario is bounded in time and kills every process it started, servers included.

    test_redis_outage.py      Redis stopped while reminders are due
    test_postgres_restart.py  PostgreSQL restarted during a load run
    test_worker_killed.py     a worker killed in the middle of a workbook build
"""
