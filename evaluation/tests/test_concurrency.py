"""A double tap on PostgreSQL: two requests with the same key at the same moment record one sheet."""

import threading
import uuid

import pytest
from django.db import connection

from evaluation import services
from evaluation.models import Sheet
from inspections.models import Issue


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_with_one_key_record_one_sheet(postgres, running, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: running["now"])
    from core.images import photos_prepare
    from core.tests.factories import photo_upload

    photo = tuple(photos_prepare([photo_upload()]))
    answers = {
        standard.pk: services.Answer(
            result, "路面有垃圾" if result == "fail" else "", photo if result == "fail" else ()
        )
        for standard, result in zip(running["standards"], ("pass", "fail", "pass"), strict=True)
    }
    key, results, start = uuid.uuid4(), [], threading.Barrier(2)

    def submit() -> None:
        try:
            start.wait()
            results.append(
                services.sheet_submit(
                    round_point=running["points"][0], actor=running["inspector"], answers=answers, idempotency_key=key
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(new for _sheet, new in results) == [False, True]
    assert len({sheet.pk for sheet, _new in results}) == 1
    assert Sheet.objects.count() == 1
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 1
