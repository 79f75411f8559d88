import datetime
import uuid
from decimal import Decimal

import pytest

from core.errors import ApplicationError, Conflict
from core.images import photos_prepare
from core.tests.factories import photo_upload
from evaluation import services
from evaluation.models import Observation, Sheet
from inspections.models import Issue

pytestmark = pytest.mark.django_db
PASS, FAIL, NA = "pass", "fail", "na"


def answers(standards, *results, note="路面有垃圾", photos=True):
    photo = tuple(photos_prepare([photo_upload()])) if photos else ()
    return {
        standard.pk: services.Answer(result, note if result == FAIL else "", photo if result == FAIL else ())
        for standard, result in zip(standards, results, strict=True)
    }


def submit(running, results, *, point=0, key=None, **kwargs):
    kwargs.setdefault("observed_at", running["now"])
    kwargs.setdefault("now", running["now"])
    return services.sheet_submit(
        round_point=running["points"][point],
        actor=running["inspector"],
        answers=answers(running["standards"], *results),
        idempotency_key=key or uuid.uuid4(),
        **kwargs,
    )


def test_it_records_every_standard_and_files_each_failure_as_an_issue(running):
    sheet, new = submit(running, (PASS, FAIL, NA), latitude=Decimal("36.450100"), longitude=Decimal("115.980000"))

    assert new is True
    rows = {row.standard_id: row for row in Observation.objects.filter(sheet=sheet)}
    first, failed, na = (rows[standard.pk] for standard in running["standards"])
    assert (first.points_applicable, first.points_earned) == (1, 1)
    assert (failed.points_applicable, failed.points_earned) == (1, 0)
    assert (na.points_applicable, na.points_earned) == (0, 0)
    issue = failed.issue
    assert issue.source == Issue.Source.EVALUATION
    assert issue.inspection_id == running["round"].inspection_id
    assert issue.criterion_id == running["standards"][1].criterion_id
    assert issue.status == Issue.Status.DISPATCHED
    assert issue.photos.count() == 1
    assert failed.department_id == issue.department_id
    assert first.street_id == running["points"][0].place.grid.subdistrict_id
    assert sheet.distance_m == 11
    assert sheet.far is False


def test_a_sheet_observed_far_from_its_point_is_flagged(running):
    sheet, _new = submit(running, (PASS, PASS, PASS), latitude=Decimal("36.460000"), longitude=Decimal("115.980000"))
    assert sheet.distance_m == 1112
    assert sheet.far is True


def test_a_sheet_sent_twice_is_recorded_once(running):
    key = uuid.uuid4()
    first, new = submit(running, (PASS, FAIL, PASS), key=key)
    again, new_again = submit(running, (PASS, FAIL, PASS), key=key)

    assert (first.pk, new, new_again) == (again.pk, True, False)
    assert Sheet.objects.count() == 1
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 1


def test_a_second_sheet_for_the_same_point_is_refused(running):
    submit(running, (PASS, PASS, PASS))
    with pytest.raises(Conflict):
        submit(running, (PASS, PASS, PASS))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"photos": False}, "photo_required"),
        ({"note": ""}, "note_required"),
    ],
)
def test_a_failure_needs_a_note_and_a_photo(running, change, code):
    with pytest.raises(ApplicationError) as refused:
        services.sheet_submit(
            round_point=running["points"][0],
            actor=running["inspector"],
            answers=answers(running["standards"], PASS, FAIL, PASS, **change),
            idempotency_key=uuid.uuid4(),
            observed_at=running["now"],
            now=running["now"],
        )
    assert refused.value.code == code
    assert not Sheet.objects.exists()
    assert not Issue.objects.exists()


def test_it_refuses_a_standard_of_another_type_and_a_missing_answer(running):
    from evaluation.tests.factories import StandardFactory

    other = StandardFactory()
    given = answers(running["standards"], PASS, PASS, PASS) | {other.pk: services.Answer(PASS)}
    with pytest.raises(ApplicationError) as refused:
        services.sheet_submit(
            round_point=running["points"][0],
            actor=running["inspector"],
            answers=given,
            idempotency_key=uuid.uuid4(),
            observed_at=running["now"],
            now=running["now"],
        )
    assert refused.value.code == "standard_not_applicable"

    partial = answers(running["standards"][:2], PASS, PASS)
    with pytest.raises(ApplicationError) as refused:
        services.sheet_submit(
            round_point=running["points"][0],
            actor=running["inspector"],
            answers=partial,
            idempotency_key=uuid.uuid4(),
            observed_at=running["now"],
            now=running["now"],
        )
    assert refused.value.code == "answer_missing"
    assert not Sheet.objects.exists()


def test_answers_observed_outside_the_window_are_refused(running):
    with pytest.raises(ApplicationError) as refused:
        submit(running, (PASS, PASS, PASS), observed_at=datetime.datetime(2018, 3, 12, 2, tzinfo=datetime.UTC))
    assert refused.value.code == "outside_window"


def test_answers_observed_in_the_window_are_taken_three_days_after_it(running):
    services.round_close(round_=running["round"])
    observed = datetime.datetime(2018, 3, 10, 2, tzinfo=datetime.UTC)
    sheet, _new = submit(running, (PASS, PASS, PASS), observed_at=observed, now=observed + datetime.timedelta(days=3))
    assert sheet.pk

    with pytest.raises(Conflict) as refused:
        submit(running, (PASS, PASS, PASS), point=1, observed_at=observed, now=observed + datetime.timedelta(days=4))
    assert refused.value.code == "round_window_over"


def test_a_point_outside_the_round_is_refused(running):
    from evaluation.tests.factories import make_round

    other = make_round(code="OTHER")
    with pytest.raises(ApplicationError) as refused:
        services.round_point_of(round_=other, place_id=running["places"][0].pk)
    assert refused.value.code == "point_not_in_round"


def test_only_the_team_may_submit(running):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    with pytest.raises(ApplicationError) as refused:
        services.sheet_submit(
            round_point=running["points"][0],
            actor=UserFactory(role=Role.INSPECTOR),
            answers=answers(running["standards"], PASS, PASS, PASS),
            idempotency_key=uuid.uuid4(),
            observed_at=running["now"],
            now=running["now"],
        )
    assert refused.value.code == "not_your_point"
