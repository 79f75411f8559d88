import datetime
import uuid
from decimal import Decimal

import pytest

from core.errors import ApplicationError, Conflict
from core.images import photos_prepare
from core.tests.factories import photo_upload
from evaluation import services
from evaluation.models import Observation, Sheet
from inspections.models import Issue, IssuePhoto

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


# Each photo's own time and place of capture


def phone(at: datetime.datetime, latitude: str | None = None, longitude: str | None = None):
    from core.capture import Capture, CaptureSource

    return Capture(
        taken_at=at,
        latitude=Decimal(latitude) if latitude else None,
        longitude=Decimal(longitude) if longitude else None,
        time_source=CaptureSource.DEVICE,
        position_source=CaptureSource.DEVICE if latitude else "",
    )


def failing_with(running, *photos_per_failure, notes=("路面有垃圾", "绿化带有垃圾")):
    """Answers failing the first standards, each with its photos (``(upload, device capture)`` pairs)."""
    given = {}
    for index, standard in enumerate(running["standards"]):
        if index < len(photos_per_failure):
            uploads, devices = zip(*photos_per_failure[index], strict=True)
            photos = tuple(photos_prepare(list(uploads), devices=list(devices)))
            given[standard.pk] = services.Answer(FAIL, notes[index], photos)
        else:
            given[standard.pk] = services.Answer(PASS)
    return given


def submit_answers(running, given, **kwargs):
    kwargs.setdefault("observed_at", running["now"])
    kwargs.setdefault("now", running["now"])
    return services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers=given,
        idempotency_key=uuid.uuid4(),
        **kwargs,
    )


def test_each_photo_keeps_its_own_time_and_place_on_the_issue(running):
    earlier = datetime.datetime(2018, 3, 5, 1, 40, tzinfo=datetime.UTC)
    later = datetime.datetime(2018, 3, 5, 1, 55, tzinfo=datetime.UTC)
    given = failing_with(
        running,
        [
            (photo_upload("exif.jpg", taken="2018:03:05 09:30:00", gps=(36.4502, 115.98)), phone(earlier)),
            (photo_upload("phone.jpg"), phone(later, "36.451000", "115.980000")),
        ],
    )

    sheet, _new = submit_answers(
        running, given, latitude=Decimal("36.450000"), longitude=Decimal("115.980000"), now=running["now"]
    )

    issue = Observation.objects.get(sheet=sheet, result=FAIL).issue
    exif, device = issue.photos.order_by("pk")
    assert exif.captured_at == datetime.datetime(2018, 3, 5, 1, 30, tzinfo=datetime.UTC)  # 09:30 in the city
    assert (exif.time_source, exif.position_source) == ("exif", "exif")
    assert (exif.latitude, exif.longitude, exif.distance_m) == (Decimal("36.450200"), Decimal("115.980000"), 22)
    assert (device.captured_at, device.time_source, device.position_source) == (later, "device", "device")
    assert device.distance_m == 111
    # Where the failure was seen: its first photo's position, not the upload's or the sheet's.
    assert (issue.latitude, issue.longitude) == (Decimal("36.450200"), Decimal("115.980000"))
    assert (sheet.photos_far, sheet.far) == (0, False)


def test_a_sheet_whose_photo_was_taken_far_from_the_point_is_flagged(running):
    at = datetime.datetime(2018, 3, 5, 1, 40, tzinfo=datetime.UTC)
    given = failing_with(
        running,
        [(photo_upload("near.jpg"), phone(at, "36.450100", "115.980000"))],
        [(photo_upload("far.jpg"), phone(at, "36.460000", "115.980000"))],
    )

    # Filled in at the point itself: only the photo was taken 1.1 km away.
    sheet, _new = submit_answers(running, given, latitude=Decimal("36.450000"), longitude=Decimal("115.980000"))

    assert (sheet.distance_m, sheet.photos_far, sheet.far) == (0, 1, True)
    far = IssuePhoto.objects.get(distance_m__gt=300)
    assert far.distance_m == 1112
    assert Observation.objects.get(issue=far.issue).standard == running["standards"][1]


def utc(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("taken", "now", "code"),
    [
        (utc(2018, 2, 28, 15, 30), utc(2018, 3, 5, 10), "photo_taken_outside_window"),  # 02-28 23:30 in the city
        (utc(2018, 3, 10, 16, 30), utc(2018, 3, 11, 2), "photo_taken_outside_window"),  # 03-11 00:30, sent in grace
        (utc(2018, 3, 5, 10, 30), utc(2018, 3, 5, 10), "photo_taken_in_future"),
    ],
)
def test_a_photo_taken_before_the_round_after_it_or_in_the_future_is_refused(running, taken, now, code):
    given = failing_with(
        running,
        [(photo_upload("good.jpg"), phone(running["now"]))],
        [(photo_upload("IMG_2041.jpg"), phone(taken, "36.450000", "115.980000"))],
    )

    with pytest.raises(ApplicationError) as refused:
        submit_answers(running, given, now=now)

    assert refused.value.code == code
    assert "IMG_2041" in refused.value.message
    # Nothing half-saved: not the sheet, not the first failure's issue nor its photo.
    assert not Sheet.objects.exists()
    assert not Issue.objects.exists()
    assert not IssuePhoto.objects.exists()


def test_a_phone_clock_a_few_minutes_off_is_taken(running):
    # The round opens on 2018-03-01 in the city: five minutes before (the clock grace is ten) is taken.
    opens = datetime.datetime(2018, 2, 28, 15, 55, tzinfo=datetime.UTC)
    soon = running["now"] + datetime.timedelta(minutes=5)
    given = failing_with(running, [(photo_upload("a.jpg"), phone(opens))], [(photo_upload("b.jpg"), phone(soon))])

    sheet, _new = submit_answers(running, given)

    assert sorted(IssuePhoto.objects.values_list("captured_at", flat=True)) == [opens, soon]


def test_the_time_a_photo_arrived_without_the_page_s_word_is_not_checked_against_the_window(running):
    from core.capture import Capture, CaptureSource

    services.round_close(round_=running["round"])
    arrived = datetime.datetime(2018, 3, 12, 2, 0, tzinfo=datetime.UTC)  # two days after the round, in its grace
    given = failing_with(
        running, [(photo_upload("a.jpg"), Capture(taken_at=arrived, time_source=CaptureSource.SERVER))]
    )

    submit_answers(running, given, observed_at=datetime.datetime(2018, 3, 10, 2, tzinfo=datetime.UTC), now=arrived)

    assert IssuePhoto.objects.get().time_source == "server"
