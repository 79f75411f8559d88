"""``migrate`` on the embedded SQLite default prints no warning about the PostgreSQL covering indexes."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_it_warns_of_nothing_when_it_checks_the_database_it_runs_on():
    out, err = io.StringIO(), io.StringIO()

    call_command("check", databases=[connection.alias], stdout=out, stderr=err)

    assert "W040" not in out.getvalue() + err.getvalue()
    assert "no issues" in out.getvalue()
