"""Schemathesis over the whole /api/v1/ schema, in-process against the WSGI application, with every
check schemathesis has.

1. Every operation the schema documents is called with generated data, valid (positive mode) and
   invalid (negative mode), in the examples, coverage and fuzzing phases, as an administrator, with
   a few rows in the database so that details, filters and workflow steps have something to act on.
   Nothing is excluded: the photo uploads get real images in positive mode and any bytes in negative.
2. A stateful run chains the operations along the links schemathesis infers (list → detail, file an
   issue → read it → dispatch it...), where ``use_after_free`` and ``ensure_resource_availability``
   have something to compare.
3. A stateful run as department A's staff, with department B's staff as the peer who must never get
   what only A may see (``object_level_authorization``).

Every response goes through every check (``test_it_runs_every_check_on_every_operation`` keeps it
so): no server error; status code, content type, headers and body as documented; invalid data
refused (``negative_data_rejection``) and valid data accepted (``positive_data_acceptance``);
missing and invalid credentials refused (``ignored_auth``); undocumented methods refused with an
``Allow`` header (``unsupported_method``, ``allow_header_conformance``); an answer within
``MAX_RESPONSE_TIME`` seconds. Where a check cannot judge a request, "Where a check cannot judge"
below narrows it to what it can, saying why; no check is turned off.
"""

import datetime
import io
import json
import os
import tempfile

import pytest
import requests
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from config.wsgi import application

# Fixed keys, so that the schema's auth configuration can name them before any test has a database.
TOKENS = {
    "admin": "schemathesisadmin".ljust(40, "0"),
    "staff_a": "schemathesisstaffa".ljust(40, "0"),
    "staff_b": "schemathesisstaffb".ljust(40, "0"),
}
MAX_RESPONSE_TIME = 10  # seconds, generous: the machine is shared, and this is a smoke alarm, not a benchmark

load_all_checks()
ALL_CHECKS = frozenset(CHECKS.get_all_names())


def _load_schema(*, user: str, peers: list[str] | None = None):
    """The schema, with every check and both generation modes on, sending ``user``'s token (a Web
    Fuzzing Commons auth document: the peers' tokens must be in it too)."""
    users = [user, *(peer for peer in peers or () if peer != user)]
    document = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Token {TOKENS[name]}"}]}
            for name in users
        ]
    }
    handle, path = tempfile.mkstemp(suffix=".json", prefix="schemathesis-auth-")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(document, file)
        wfc = {"path": path, "user": user, **({"peers": peers} if peers else {})}
        config = SchemathesisConfig.from_dict(
            {
                "generation": {"mode": "all"},
                "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
                "checks": {"enabled": True, "max_response_time": MAX_RESPONSE_TIME},
                "auth": {"wfc": wfc},
                # Schemathesis asks for gzip as requests does, but its in-process client hands the checks the
                # body as sent: plain bodies here, compression has its own tests.
                "headers": {"Accept-Encoding": "identity"},
            }
        )
        # The in-process client talks to the host "localhost". The schema loads while the tests are collected,
        # before any test database exists: the API throttle counts that one request in a cache in memory.
        memory_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        with override_settings(ALLOWED_HOSTS=["localhost"], CACHES=memory_cache):
            return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=config)
    finally:
        os.unlink(path)  # read when the schema loads


# Werkzeug's test encoder leaves out the blank line after the headers of an empty form field, so the
# application would read `note=""` as no note at all, while schemathesis reports (and its checks judge)
# the request as `requests` encodes it. The forms are sent as `requests` encodes them (in this test
# process; nothing else here uses schemathesis).
@WSGI_TRANSPORT.serializer("multipart/form-data")
def _multipart_as_requests_encodes_it(ctx, value):
    kwargs = REQUESTS_TRANSPORT._resolve_serializer("multipart/form-data")[1](ctx, value)
    if "headers" in kwargs:  # encoded already: an empty form, or a body that is not an object
        return {"data": kwargs["data"], "content_type": kwargs["headers"]["Content-Type"]}
    prepared = requests.PreparedRequest()
    prepared.prepare_headers(None)
    prepared.prepare_body(kwargs["data"], kwargs["files"])
    return {"data": prepared.body, "content_type": prepared.headers["Content-Type"]}


# The photos a form documents are images (JPEG, PNG, WebP or HEIF, its encoding says), and in positive
# mode they are: small real ones. Negative mode still sends any bytes, which must be refused.
# Schemathesis puts what the media type's strategy draws in the property as it is; ``photos`` is a
# list of files, so the strategy draws the list (1 to 3: a step may require one, none takes more than 6).
def _images(image_format: str):
    def encode(size: tuple[int, int], colour: str) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", size, colour).save(buffer, format=image_format)
        return buffer.getvalue()

    sizes = st.tuples(st.integers(1, 64), st.integers(1, 64))
    return st.lists(st.builds(encode, sizes, st.sampled_from(["red", "white", "black"])), min_size=1, max_size=3)


for media_type, image_format in (("image/jpeg", "JPEG"), ("image/png", "PNG"), ("image/webp", "WEBP")):
    schemathesis.openapi.media_type(media_type, _images(image_format))


schema = _load_schema(user="admin")
peer_schema = _load_schema(user="staff_a", peers=["staff_a", "staff_b"])


# ---------------------------------------------------------------------------------------------
# Where a check cannot judge an operation

# Operation → the ``ApplicationError`` codes with which it refuses input its schema calls valid:
# rules that compare fields with each other, which a JSON Schema (OpenAPI 3.0: no ``if``/``then``,
# no ``dependentRequired``) cannot say. ``positive_data_acceptance`` accepts a 400 with one of these
# codes there, and only there; any other refusal of valid data still fails it.
BUSINESS_RULES: dict[str, frozenset[str]] = {
    # Something to report (a percentage, a quantity or a note); a final report at 100% and with a note.
    "POST /api/v1/tasks/{id}/progress-reports/": frozenset({"empty_report", "final_below_100", "final_needs_note"}),
    # A location is both a latitude and a longitude, or neither.
    "POST /api/v1/issues/": frozenset({"location_incomplete"}),
    # A new deadline beyond the limit needs a note saying why.
    "POST /api/v1/issues/{id}/request-extension/": frozenset({"beyond_limit"}),
    # A refusal needs a reason and takes no approved date; an approved date lies between the current
    # deadline and the one asked for; past the request's limit only when confirmed.
    "POST /api/v1/extension-requests/{id}/decide/": frozenset(
        {"reason_required", "approved_deadline_with_refusal", "approved_deadline_out_of_range", "confirm_beyond_limit"}
    ),
    # A refusal of a suspension needs the reason the department sees.
    "POST /api/v1/suspensions/{id}/decide/": frozenset({"reason_required"}),
    # Week 53 of a year that has 52: the pattern cannot know which years have one.
    "GET /api/v1/assessment/results/": frozenset({"period_unknown"}),
}
# Schemathesis's coverage phase builds one form per operation whose parts have a media type of their
# own (the photos), fills every other required field with "" (no valid place id, no valid note) and
# still calls it valid data. The other checks judge that request; this one cannot.
UNFILLED_FORM = "Multipart body with custom encoding"


def positive_data_acceptance_narrowed(ctx, response, case):
    phase = case.meta.phase.data if case.meta is not None else None
    if getattr(phase, "description", None) == UNFILLED_FORM:
        return None
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 400 and _error(response).get("code") in BUSINESS_RULES.get(case.operation.label, ()):
            return None
        if response.status_code == 400 and _refused_only_for_nul(case, response):
            return None
        if response.status_code == 400 and _refused_only_for_blank(case, response):
            return None
        raise


def _refused_only_for_nul(case, response) -> bool:
    """Text holding NUL, which PostgreSQL cannot store: Django's forms and DRF refuse it with a 400,
    which a schema cannot say of every string. Only when every field blamed holds one."""
    sent = {**(case.query or {}), **(case.body if isinstance(case.body, dict) else {})}
    blamed = _error(response).get("errors") or {}
    return bool(blamed) and all("\x00" in str(sent.get(name.split(".")[0], "")) for name in blamed)


def _refused_only_for_blank(case, response) -> bool:
    """Required text made only of whitespace (a space, U+0085, U+3000…): the forms and DRF strip it and
    refuse what is left, empty, which JSON Schema's ``minLength`` cannot say. Only when every field blamed
    holds such text."""
    sent = {**(case.query or {}), **(case.body if isinstance(case.body, dict) else {})}
    blamed = _error(response).get("errors") or {}
    return bool(blamed) and all(
        isinstance(sent.get(name.split(".")[0]), str) and not sent[name.split(".")[0]].strip() for name in blamed
    )


def _error(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# Schemathesis may mark a case negative while its own description of it says nothing was negated
# ("Positive test case"): in a form whose photos come from the media type's strategy, the strategy's
# images replace the part negative mode had mutated. Nothing invalid is sent; there is nothing to refuse.
NOTHING_NEGATED = "Positive test case"


def negative_data_rejection_narrowed(ctx, response, case):
    phase = case.meta.phase.data if case.meta is not None else None
    if getattr(phase, "description", None) == NOTHING_NEGATED:
        return None
    return negative_data_rejection(ctx, response, case)


NARROWED = {
    "excluded_checks": [positive_data_acceptance, negative_data_rejection],
    "additional_checks": [positive_data_acceptance_narrowed, negative_data_rejection_narrowed],
}


# ---------------------------------------------------------------------------------------------
# The data


@pytest.fixture(scope="module")
def _rows(django_db_setup, django_db_blocker):
    """A few of every kind of row, built once for the module inside a transaction rolled back at its
    end; each test runs in a savepoint inside it (pytest-django's ``db``), so what one test changes,
    the next never sees.

    Department A's staff and B's each have a task with its progress, an issue and its extension
    request, under ids no other field holds (9101..., 9201...): ``object_level_authorization`` finds
    an object in a peer's list by its id appearing anywhere in it. A third department gets an issue
    filed through the service, with its photo and rectification task."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
    from campaign.tests.factories import ProgressReportFactory, TargetFactory, TaskFactory
    from core.images import photos_prepare
    from core.tests.factories import photo_upload
    from grids.tests.factories import PlaceFactory
    from inspections.models import ExtensionRequest, Issue
    from inspections.services import issue_file
    from inspections.tests.factories import CriterionFactory, InspectionFactory, IssueFactory

    with django_db_blocker.unblock(), transaction.atomic():
        admin = UserFactory(is_superuser=True, department=None)
        Token.objects.create(user=admin, key=TOKENS["admin"])
        InspectionFactory().members.add(admin)
        in_nine_days = timezone.now() + datetime.timedelta(days=9)
        for name, first_id in (("staff_a", 9101), ("staff_b", 9201)):
            department = DepartmentFactory()
            SectionFactory(parent=department)
            staff = UserFactory(username=name, department=department, role=Role.STAFF)
            Token.objects.create(user=staff, key=TOKENS[name])
            target = TargetFactory(pledge__department=department)
            task = TaskFactory(id=first_id, target=target, department=department, accountable=staff)
            task.places.add(PlaceFactory(assigned_department=department))
            ProgressReportFactory(id=first_id + 1, task=task, author=staff, quantity=3)
            issue = IssueFactory(
                id=first_id + 2,
                place=PlaceFactory(assigned_department=department),
                criterion=CriterionFactory(default_department=department),
                reported_by=admin,
                department=department,
                status=Issue.Status.DISPATCHED,
                deadline=timezone.now() + datetime.timedelta(days=3),
            )
            ExtensionRequest.objects.create(
                id=first_id + 3, issue=issue, requested_by=staff, reason="x", requested_deadline=in_nine_days
            )
        filed = issue_file(
            reporter=admin,
            place=PlaceFactory(),
            criterion=CriterionFactory(default_department=DepartmentFactory()),
            description="垃圾",
            photos=photos_prepare([photo_upload()]),
        )
        ExtensionRequest.objects.create(issue=filed, requested_by=admin, reason="x", requested_deadline=in_nine_days)
        from evaluation.tests.factories import evaluation_world

        evaluation_world(
            campaign=filed.campaign, place=PlaceFactory(), criterion=filed.criterion, inspector=admin, department=None
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def rows(_rows, db, settings):
    """The real WSGI handler closes the database connection at the end of each request; inside the
    test's transaction that would break every later query on PostgreSQL. Django's test client
    disconnects the same handler around its requests."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
}


# ---------------------------------------------------------------------------------------------
# 1. Every operation


def test_it_runs_every_check_on_every_operation():
    assert {"ignored_auth", "negative_data_rejection", "positive_data_acceptance", "use_after_free"} <= ALL_CHECKS
    for loaded in (schema, peer_schema):
        assert loaded.config.generation.modes == list(schemathesis.GenerationMode)
        for result in loaded.get_all_operations():
            operation = result.ok()
            for phase in ("examples", "coverage", "fuzzing", "stateful"):
                config = loaded.config.checks_config_for(operation=operation, phase=phase)
                disabled = {name for name in ALL_CHECKS if not config.get_by_name(name=name).enabled}
                assert not disabled, (operation.label, phase, disabled)
                assert config.max_response_time.limit == MAX_RESPONSE_TIME


@schema.parametrize()
@hypothesis_settings(max_examples=5, **HYPOTHESIS)
def test_every_operation_answers_as_its_schema_says(case, rows):
    _aim_at_real_rows(case, user="admin")
    case.call_and_validate(**NARROWED)


# ---------------------------------------------------------------------------------------------
# 2 and 3. Chains of operations


def _workflow(loaded, *, user: str):
    class Workflow(loaded.as_state_machine()):
        # Each scenario starts from the same rows (in a savepoint, rolled back at its end), so that
        # Hypothesis can replay and shrink one that fails.
        def setup(self):
            self._scenario = transaction.atomic()
            self._scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self._scenario.__exit__(None, None, None)
            super().teardown()

        def step(self, input):
            # What a link took from an earlier response is real already; only what was generated is aimed.
            _aim_at_real_rows(input.case, user=user, linked=set(input.applied_parameters))
            return super().step(input)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, transport_kwargs=kwargs or None, recorder=self.recorder, **NARROWED)

    return Workflow


def test_chained_operations_find_what_they_created(rows):
    _workflow(schema, user="admin").run(
        settings=hypothesis_settings(max_examples=25, stateful_step_count=8, **HYPOTHESIS)
    )


def test_department_staff_never_get_what_only_another_department_may_see(rows):
    # Reads only: what one may see and the other may not is a read, and the chains list → detail
    # that ``object_level_authorization`` replays as the peer come up far more often without the writes.
    _workflow(peer_schema.include(method="GET"), user="staff_a").run(
        settings=hypothesis_settings(max_examples=25, stateful_step_count=8, **HYPOTHESIS)
    )


# ---------------------------------------------------------------------------------------------
# Generated ids are mostly 0 or huge, so a detail, a filtered list or a workflow step would nearly always
# be a 404 or a 400 and the 200/201 answers would go untested. An integer id in the path, in a query
# parameter that filters by a row, or in a body field that names a row is turned (deterministically)
# into the id of a row that parameter may name; anything else generated (strings, floats, negative
# values...) is sent as is.


def _existing_id(queryset, value):
    if type(value) is int and value >= 1:  # ids in a query or a body are documented from 1
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():  # path parameters come as strings
        number = int(value)
    else:
        return value
    ids = sorted(queryset.values_list("pk", flat=True))
    if not ids:
        return value
    return type(value)(ids[number % len(ids)])


def _aim_at_real_rows(case, *, user: str, linked: set = frozenset()) -> None:
    """``linked``: the (location, name) of what a stateful link set (name None: the whole body)."""
    from types import SimpleNamespace

    from rest_framework.authtoken.models import Token
    from rest_framework.relations import PrimaryKeyRelatedField
    from schemathesis.core.parameters import ParameterLocation

    from config.api_urls import router
    from inspections.api.serializers import DispatchSerializer, IssueFileSerializer

    def aim(location: ParameterLocation, container, name: str, queryset) -> None:
        if isinstance(container, dict) and name in container and (location, name) not in linked:
            container[name] = _existing_id(queryset, container[name])

    path = case.path.removeprefix("/api/v1/")
    viewset = next(
        (viewset for name, viewset, _basename in router.registry if path == name or path.startswith(name + "/")), None
    )
    if viewset is not None:
        aim(ParameterLocation.PATH, case.path_parameters, "id", viewset.queryset)
    if case.method == "GET" and viewset is not None and viewset.filterset_class:
        request = SimpleNamespace(user=Token.objects.get(key=TOKENS[user]).user, query_params={})
        filterset = viewset.filterset_class(queryset=viewset.queryset, request=request)
        for name, field in filterset.form.fields.items():
            if hasattr(field, "queryset"):
                aim(ParameterLocation.QUERY, case.query, name, field.queryset)
    if (ParameterLocation.BODY, None) not in linked:
        for name, field in {**IssueFileSerializer().fields, **DispatchSerializer().fields}.items():
            if isinstance(field, PrimaryKeyRelatedField):
                aim(ParameterLocation.BODY, case.body, name, field.queryset)
