"""The demo's citizens' channel (随手拍): public categories, and reports in every state — waiting in triage,
accepted, not accepted, merged (two onto one issue), closed with each kind of 回访 answer (one by phone, one
不满意 waiting for review) — around demo issues, one place reported three times (a repeat location).

Written after every other demo row (the 考核 results are published before), dated around the demo's
issues so that nothing happens after ``latest``. The issues a report became are marked 市民随手拍."""

import datetime
from decimal import Decimal

from django.db.models import Q

from accounts.models import User
from citizens.models import Followup, Partner, PublicCategory, Report
from grids.models import Grid
from inspections.models import Criterion, Inspection, Issue

PARTNER = "聊城12345小程序（演示）"
# (public name, checklist item)
CATEGORIES = (
    ("垃圾堆放、卫生死角", "LC-C02"),
    ("乱贴小广告", "LC-C03"),
    ("占道经营", "LC-C05"),
    ("露天烧烤", "LC-C06"),
    ("路面破损、井盖缺失", "LC-C08"),
    ("机动车乱停乱放", "LC-C16"),
    ("楼道堆物、飞线充电", "LC-C20"),
)
PHONES = tuple(f"1391250{n:04d}" for n in range(1, 100))  # made up
HIDDEN_KINDS = (Inspection.Kind.UNDERCOVER, Inspection.Kind.THIRD_PARTY)


def demo_citizens_counts() -> dict[str, int]:
    demo = Q(category__criterion__code__startswith="LC-")
    return {
        "citizen_reports": Report.objects.filter(demo).count(),
        "followups": Followup.objects.filter(report__category__criterion__code__startswith="LC-").count(),
    }


def demo_citizens_delete(*, issue_ids: list[int]) -> dict[str, int]:
    """The demo's reports (and those on demo issues), their 回访 answers, the categories and the partner."""
    reports = Report.objects.filter(Q(category__criterion__code__startswith="LC-") | Q(issue__in=issue_ids))
    deleted = {
        "followups": Followup.objects.filter(Q(report__in=reports) | Q(issue__in=issue_ids)).delete()[0],
        "citizen_reports": reports.delete()[0],
    }
    PublicCategory.objects.filter(criterion__code__startswith="LC-").delete()
    Partner.objects.filter(name=PARTNER).delete()
    return deleted


def _report(
    issue: Issue | None, category: PublicCategory, *, grid: Grid, at: datetime.datetime, link: bool = True, **fields
) -> Report:
    """A report at ``issue``'s point (or the grid's centre), linked to it unless ``link`` is false."""
    place = issue.place if issue else None
    latitude = (issue.latitude if issue and issue.latitude is not None else None) or (place and place.latitude)
    longitude = (issue.longitude if issue and issue.longitude is not None else None) or (place and place.longitude)
    if latitude is None:
        latitude, longitude = grid.latitude, grid.longitude
    report = Report.objects.create(
        category=category,
        description=fields.pop("description", issue.description if issue else "路边有垃圾"),
        latitude=Decimal(latitude) + Decimal("0.000050"),
        longitude=Decimal(longitude),
        grid=grid,
        place=place if link else None,
        issue=issue if link else None,
        **fields,
    )
    Report.objects.filter(pk=report.pk).update(created=at, updated=at)
    report.created = at
    return report


def demo_citizens_load(*, latest: datetime.datetime, office: User) -> None:
    criteria = {
        criterion.code: criterion for criterion in Criterion.objects.filter(code__in=[c for _n, c in CATEGORIES])
    }
    categories = {
        code: PublicCategory.objects.create(name=name, criterion=criteria[code], order=order)
        for order, (name, code) in enumerate(CATEGORIES)
        if code in criteria
    }
    Partner.objects.create(name=PARTNER)
    phones = iter(PHONES)
    issues = (
        Issue.objects.filter(criterion__code__in=list(categories), code__startswith="LC-")
        .exclude(inspection__kind__in=HIDDEN_KINDS)
        .select_related("place", "grid", "criterion")
        .order_by("reported_at", "pk")
    )
    open_issues = [issue for issue in issues if issue.status in Issue.WITH_DEPARTMENT_STATUSES]
    closed_issues = [issue for issue in issues if issue.status == Issue.Status.CLOSED]
    citizen_issue_ids = []

    def accepted(issue: Issue, **fields) -> Report:
        citizen_issue_ids.append(issue.pk)
        before = issue.reported_at - datetime.timedelta(minutes=40)
        return _report(
            issue,
            categories[issue.criterion.code],
            grid=issue.grid,
            at=before,
            status=Report.Status.ACCEPTED,
            phone=next(phones),
            triaged_by=office,
            triaged_at=issue.reported_at,
            **fields,
        )

    # Accepted, still being put right; and one issue three residents reported (two merged onto it): a repeat place.
    if open_issues:
        accepted(open_issues[-1])
    if len(open_issues) > 1:
        busy = open_issues[-2]
        accepted(busy)
        for hours in (2, 5):
            _report(
                busy,
                categories[busy.criterion.code],
                grid=busy.grid,
                at=min(busy.reported_at + datetime.timedelta(hours=hours), latest),
                status=Report.Status.MERGED,
                phone=next(phones),
                description="同一地点又看到这个问题，还没处理。",
                triaged_by=office,
                triaged_at=min(busy.reported_at + datetime.timedelta(hours=hours + 1), latest),
            )
    # Closed, with each kind of 回访 answer: on the tracking page, by phone, and 不满意 waiting for review.
    answers = (
        (Followup.Answer.SATISFIED, Followup.Channel.PAGE, "处理很及时，谢谢！", None),
        (Followup.Answer.FAIRLY, Followup.Channel.PHONE, "清理了，但希望加强日常巡查。", office),
        (Followup.Answer.UNSATISFIED, Followup.Channel.PAGE, "过了两天又堆满了。", None),
    )
    for issue, (answer, channel, comment, recorder) in zip(closed_issues[-3:], answers, strict=False):
        report = accepted(issue)
        at = min(issue.closed_at + datetime.timedelta(hours=3), latest)
        followup = Followup.objects.create(
            report=report,
            issue=issue,
            department_id=issue.department_id,
            answer=answer,
            comment=comment,
            channel=channel,
            recorded_by=recorder,
            review=Followup.Review.PENDING if answer == Followup.Answer.UNSATISFIED else "",
        )
        Followup.objects.filter(pk=followup.pk).update(created=at, updated=at)
        Report.objects.filter(pk=report.pk).update(invited_at=issue.closed_at)
    Issue.objects.filter(pk__in=citizen_issue_ids).update(source=Issue.Source.CITIZEN)

    # Waiting in triage (one beside an issue of its item: a likely duplicate), and one not accepted.
    grid = Grid.objects.filter(code__startswith="LC-").exclude(boundary=None).order_by("code").first()
    waiting = [
        ("LC-C05", "早市摊贩占了半条路，车过不去。", 3),
        ("LC-C06", "晚上小区门口有人露天烧烤，烟很大。", 26),
        ("LC-C16", "汽车停在盲道上。", 50),
    ]
    for code, text, hours in waiting:
        if code in categories and grid is not None:
            near = next((issue for issue in open_issues if issue.criterion.code == code), None)
            _report(
                near,
                categories[code],
                grid=near.grid if near else grid,
                at=latest - datetime.timedelta(hours=hours),
                link=False,
                description=text,
                phone=next(phones) if hours != 50 else "",
            )
    if "LC-C03" in categories and grid is not None:
        _report(
            None,
            categories["LC-C03"],
            link=False,
            grid=grid,
            at=latest - datetime.timedelta(days=2),
            description="这里好像有点乱。",
            status=Report.Status.REJECTED,
            reason="描述和照片无法确定具体问题和位置，请补充后重新反映。",
            triaged_by=office,
            triaged_at=latest - datetime.timedelta(days=2, hours=-2),
        )
