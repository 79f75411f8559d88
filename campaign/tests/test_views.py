import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from campaign.models import ProgressPhoto, ProgressReport, Target, Task
from campaign.services import progress_report_create
from campaign.tests.factories import PledgeFactory, TargetFactory, TaskFactory
from grids.tests.factories import GridFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, format=fmt)
    return buffer.getvalue()


def photo(name: str = "site.png", fmt: str = "PNG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(fmt), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def bureau():
    return DepartmentFactory(code="JSJ", name="市住建局")


@pytest.fixture
def other_bureau():
    return DepartmentFactory(code="GAJ", name="市公安局")


@pytest.fixture
def staff(bureau):
    return UserFactory(username="lianluoyuan", department=bureau, role=Role.STAFF)


@pytest.fixture
def outsider(other_bureau):
    return UserFactory(username="waibu", department=other_bureau, role=Role.STAFF)


def codes(response) -> list[str]:
    return [task.code for task in response.context["tasks"]]


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER, Role.INSPECTOR, Role.ADMINISTRATOR])
def test_it_shows_the_task_list_and_page_to_each_role(client, bureau, role):
    task = TaskFactory(department=bureau)
    client.force_login(UserFactory(department=bureau, role=role))

    assert client.get("/tasks/").status_code == 200
    response = client.get(f"/tasks/{task.pk}/")
    assert response.status_code == 200
    assert task.title in response.content.decode()


def test_it_shows_staff_only_their_departments_tasks(client, staff, bureau, other_bureau):
    mine = TaskFactory(department=bureau)
    section_task = TaskFactory(department=bureau, section=SectionFactory(parent=bureau))
    TaskFactory(department=other_bureau)
    client.force_login(staff)

    assert sorted(codes(client.get("/tasks/"))) == sorted([mine.code, section_task.code])


def test_it_lets_a_section_member_work_for_the_bureau(client, bureau):
    member = UserFactory(department=SectionFactory(parent=bureau), role=Role.STAFF)
    task = TaskFactory(department=bureau)
    client.force_login(member)

    assert codes(client.get("/tasks/")) == [task.code]
    assert client.get(f"/tasks/{task.pk}/").context["form"] is not None


def test_it_hides_another_departments_task_and_changes_nothing(client, outsider, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(outsider)

    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    response = client.post(f"/tasks/{task.pk}/progress/", {"percent": 50, "note": "冒名填报"})

    assert response.status_code == 404
    task.refresh_from_db()
    assert (task.percent, task.status) == (0, Task.Status.TODO)
    assert not ProgressReport.objects.exists()


def test_it_refuses_progress_from_someone_who_may_only_read(client, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(UserFactory(role=Role.INSPECTOR))

    page = client.get(f"/tasks/{task.pk}/")
    assert page.context["form"] is None
    assert client.post(f"/tasks/{task.pk}/progress/", {"percent": 50}).status_code == 403
    assert not ProgressReport.objects.exists()


# --- the task page ---------------------------------------------------------------------------


def test_it_shows_places_target_deadline_timeline_and_history(client, staff, bureau):
    target = TargetFactory(name="老旧小区改造", unit="个", target_value=104)
    place = PlaceFactory(name="柳园小区")
    task = TaskFactory(department=bureau, target=target, due_date=timezone.localdate() + datetime.timedelta(days=30))
    task.places.add(place)
    progress_report_create(task=task, author=staff, percent=30, quantity=Decimal(12), note="完成12个小区")
    client.force_login(staff)

    response = client.get(f"/tasks/{task.pk}/")

    page = response.content.decode()
    assert "柳园小区" in page
    assert response.context["target"].current_value == 12
    assert "完成12个小区" in page
    assert response.context["task"].due_in.days > 0
    history = response.context["history"]
    assert history[0]["reason"]  # "Progress reported"
    assert any(change["new"] == "30" for change in history[0]["changes"])


def test_it_counts_the_deadline_in_working_days(client, staff, bureau):
    today = timezone.localdate()
    late = TaskFactory(department=bureau, due_date=today - datetime.timedelta(days=10))
    client.force_login(staff)

    due = client.get(f"/tasks/{late.pk}/").context["task"].due_in

    assert due.overdue
    assert 5 <= due.overdue_days <= 10  # ten calendar days hold at least a working week


# --- logging progress ------------------------------------------------------------------------


def test_it_logs_progress_and_moves_the_target_at_once(client, staff, bureau):
    target = TargetFactory(target_value=104, unit="个")
    task = TaskFactory(department=bureau, target=target)
    client.force_login(staff)

    response = client.post(
        f"/tasks/{task.pk}/progress/",
        {"percent": 40, "quantity": "12", "note": "完成12个小区", "photos": [photo("a.png"), photo("b.jpg", "JPEG")]},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/#timeline"
    task.refresh_from_db()
    assert (task.percent, task.status) == (40, Task.Status.IN_PROGRESS)
    assert Target.objects.with_current_value().get(pk=target.pk).current_value == 12
    assert ProgressPhoto.objects.filter(report__task=task).count() == 2
    page = client.get(response["Location"])
    assert page.context["target"].current_value == 12
    assert len(list(page.context["messages"])) == 1


def test_it_offers_the_quantity_only_when_the_task_counts_toward_a_target(client, staff, bureau):
    with_target = TaskFactory(department=bureau, target=TargetFactory(unit="套"))
    without = TaskFactory(department=bureau)
    client.force_login(staff)

    assert "套" in str(client.get(f"/tasks/{with_target.pk}/").context["form"]["quantity"].label)
    assert "quantity" not in client.get(f"/tasks/{without.pk}/").context["form"].fields


def test_it_refuses_a_text_file_named_like_a_photo_and_saves_nothing(client, staff, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(staff)

    response = client.post(
        f"/tasks/{task.pk}/progress/",
        {"percent": 40, "note": "附照片", "photos": [photo(), SimpleUploadedFile("fake.jpg", b"not an image at all")]},
    )

    assert response.status_code == 200
    assert "fake.jpg" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not ProgressReport.objects.exists()
    assert not ProgressPhoto.objects.exists()
    task.refresh_from_db()
    assert task.percent == 0


def test_it_refuses_more_than_six_photos(client, staff, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(staff)

    response = client.post(
        f"/tasks/{task.pk}/progress/", {"percent": 40, "photos": [photo(f"{n}.png") for n in range(7)]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not ProgressReport.objects.exists()


def test_it_completes_the_task_with_a_final_report(client, staff, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(staff)

    client.post(f"/tasks/{task.pk}/progress/", {"note": "全部整治到位", "is_final": "on"})

    task.refresh_from_db()
    assert (task.status, task.percent) == (Task.Status.DONE, 100)
    assert client.get(f"/tasks/{task.pk}/").context["form"] is None


def test_it_shows_the_services_refusal_and_saves_nothing(client, staff, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(staff)

    response = client.post(f"/tasks/{task.pk}/progress/", {"percent": 100, "is_final": "on"})

    assert response.context["form"].non_field_errors()  # a final report needs a note
    assert not ProgressReport.objects.exists()
    task.refresh_from_db()
    assert task.status == Task.Status.TODO


def test_it_swaps_the_timeline_in_place_with_htmx(client, staff, bureau):
    task = TaskFactory(department=bureau)
    client.force_login(staff)

    response = client.post(f"/tasks/{task.pk}/progress/", {"percent": 20, "note": "开工"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="task-live">')
    assert "开工" in page
    assert "<html" not in page


# --- filters, sorting, counts ----------------------------------------------------------------


def test_it_filters_by_status_and_counts_each_status(client, staff, bureau):
    TaskFactory(department=bureau, status=Task.Status.IN_PROGRESS)
    TaskFactory(department=bureau, status=Task.Status.IN_PROGRESS)
    todo = TaskFactory(department=bureau)
    client.force_login(staff)

    response = client.get("/tasks/?status=todo")

    assert codes(response) == [todo.code]
    assert response.context["counts"]["total"] == 3
    assert response.context["counts"]["in_progress"] == 2
    assert response.context["page"].paginator.count == 1


def test_it_filters_overdue_work_and_the_due_window(client, staff, bureau):
    today = timezone.localdate()
    late = TaskFactory(department=bureau, due_date=today - datetime.timedelta(days=3))
    TaskFactory(
        department=bureau,
        due_date=today - datetime.timedelta(days=3),
        status=Task.Status.DONE,
        completed_at=timezone.now(),
    )
    soon = TaskFactory(department=bureau, due_date=today + datetime.timedelta(days=2))
    later = TaskFactory(department=bureau, due_date=today + datetime.timedelta(days=40))
    client.force_login(staff)

    assert codes(client.get("/tasks/?overdue=yes")) == [late.code]
    assert late.code not in codes(client.get("/tasks/?overdue=no"))
    assert codes(client.get("/tasks/?due=overdue")) == [late.code]
    assert codes(client.get("/tasks/?due=soon")) == [soon.code]
    after = (today + datetime.timedelta(days=30)).isoformat()
    assert codes(client.get(f"/tasks/?due_after={after}")) == [later.code]
    before = (today + datetime.timedelta(days=5)).isoformat()
    assert later.code not in codes(client.get(f"/tasks/?due_before={before}"))


def test_it_filters_by_pledge_grid_kind_section_and_person(client, staff, bureau):
    pledge = PledgeFactory(department=bureau)
    pledged = TaskFactory(department=bureau, target=TargetFactory(pledge=pledge))
    grid = GridFactory()
    by_place = TaskFactory(department=bureau, kind=Task.Kind.SPECIAL)
    by_place.places.add(PlaceFactory(grid=grid), PlaceFactory(grid=grid))
    by_grid = TaskFactory(department=bureau)
    by_grid.grids.add(grid)
    section = SectionFactory(parent=bureau, name="城建科")
    in_section = TaskFactory(department=bureau, section=section)
    person = UserFactory(department=bureau)
    theirs = TaskFactory(department=bureau, accountable=person)
    client.force_login(staff)

    assert codes(client.get(f"/tasks/?pledge={pledge.pk}")) == [pledged.code]
    assert sorted(codes(client.get(f"/tasks/?grid={grid.pk}"))) == sorted([by_place.code, by_grid.code])
    assert codes(client.get("/tasks/?kind=special")) == [by_place.code]
    assert codes(client.get(f"/tasks/?section={section.pk}")) == [in_section.code]
    assert codes(client.get(f"/tasks/?accountable={person.pk}")) == [theirs.code]


def test_it_offers_staff_only_their_own_sections(client, staff, bureau, other_bureau):
    own = SectionFactory(parent=bureau)
    SectionFactory(parent=other_bureau)
    client.force_login(staff)

    sections = client.get("/tasks/").context["filterset"].form.fields["section"].queryset
    assert list(sections) == [own]
    assert own.kind == Department.Kind.SECTION


def test_it_narrows_to_my_own_tasks_and_searches(client, staff, bureau):
    mine = TaskFactory(department=bureau, accountable=staff, title="东昌府区背街小巷整治")
    TaskFactory(department=bureau)
    client.force_login(staff)

    assert codes(client.get("/tasks/?mine=on")) == [mine.code]
    assert codes(client.get("/tasks/?q=东昌府")) == [mine.code]


def test_it_sorts_by_a_whitelisted_key_only(client, staff, bureau):
    low = TaskFactory(department=bureau, percent=10, status=Task.Status.IN_PROGRESS)
    high = TaskFactory(department=bureau, percent=90, status=Task.Status.IN_PROGRESS)
    client.force_login(staff)

    assert codes(client.get("/tasks/?sort=-percent")) == [high.code, low.code]
    assert codes(client.get("/tasks/?sort=percent")) == [low.code, high.code]
    assert client.get("/tasks/?sort=title;drop").status_code == 200


def test_it_paginates_by_25(client, staff, bureau):
    TaskFactory.create_batch(27, department=bureau)
    client.force_login(staff)

    assert len(codes(client.get("/tasks/"))) == 25
    assert len(codes(client.get("/tasks/?page=2"))) == 2


def test_it_tells_what_to_do_when_the_list_is_empty(client, staff, bureau):
    client.force_login(staff)
    empty = client.get("/tasks/")
    assert "empty-state" in empty.content.decode()

    TaskFactory(department=bureau)
    filtered = client.get("/tasks/?kind=special")
    assert codes(filtered) == []
    assert 'href="/tasks/"' in filtered.content.decode()  # clear the filters


def test_its_query_count_does_not_grow_with_the_rows(client, staff, bureau):
    client.force_login(staff)
    section = SectionFactory(parent=bureau)

    def make(count: int) -> None:
        for number in range(count):
            task = TaskFactory(
                department=bureau,
                section=section,
                target=TargetFactory(),
                due_date=timezone.localdate() + datetime.timedelta(days=number * 7 - 20),
            )
            task.places.add(PlaceFactory())

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert len(codes(client.get("/tasks/?sort=-updated"))) == 2
    make(10)
    with CaptureQueriesContext(connection) as many:
        assert len(codes(client.get("/tasks/?sort=-updated"))) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
