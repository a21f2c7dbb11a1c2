"""The table-driven runner of the permission matrices (role x route x method, per world).

A matrix module lists its rows and expectations, turns them into ``Case`` objects and marks
its test with ``matrix(cases)``; the test asks for ``case`` and ``world``. The module's world
fixtures (``world, world_media = world_fixtures(build)``) build each world once per module, inside a transaction rolled back
at the end of the module; every test runs in its own savepoint within it (pytest-django's
``django_db``), so a case that writes never leaks into the next one.

How the worlds are built once: ``world`` is a module-scoped parameter (the stage) and ``case``
one value unique to each test, also module-scoped; pytest groups a module's tests by equal
module-scoped parameter values, so all the tests of one stage run together, whatever test
function they belong to, and each world is set up once. (A function-scoped parameter next to
the world would give the fixture the function's scope: rebuilt for every test.)
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, resolve

from tests.support.worlds import STAGES, World, sign_in_everyone

NOT_FOUND = 404

FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # Each test client loads the middleware afresh, and WhiteNoise would index every static
    # file each time (half of a page view here); looking files up on request costs nothing
    # for pages.
    "WHITENOISE_AUTOREFRESH": True,
}


@dataclass(frozen=True)
class Case:
    """One test of a matrix: the world (stage) it runs in, the row, the method and the role."""

    stage: str
    row: str
    role: str
    method: str = ""  # "" where the row says it

    @property
    def id(self) -> str:
        return "-".join(part for part in (self.stage, self.row, self.method, self.role) if part)


def cases(
    rows: Iterable[tuple[str, str, str]], roles: Iterable[str], *, stages=STAGES
) -> list[Case]:
    """A case per (stage, row, method) and role, grouped by stage in ``stages`` order."""
    rows, roles = list(rows), tuple(roles)
    return [
        Case(stage, row, role, method)
        for each_stage in stages
        for stage, row, method in rows
        if stage == each_stage
        for role in roles
    ]


def matrix(items: Iterable[Case], *, xfail: dict[str, str] | None = None):
    """Parametrize a test over ``items``: it receives ``case`` and that case's ``world`` (its
    uploads where the world wrote them). The ids read ``stage-row-method-role``; ``xfail``
    (id -> why) marks known bugs, strictly, so that a fix shows up as an unexpected pass."""
    xfail = xfail or {}
    parametrize = pytest.mark.parametrize(
        ("case", "world"),
        [
            pytest.param(
                case,
                case.stage,
                id=case.id,
                marks=[pytest.mark.xfail(strict=True, reason=xfail[case.id])]
                if case.id in xfail
                else [],
            )
            for case in items
        ],
        indirect=["world"],
        scope="module",
    )
    return lambda test: parametrize(pytest.mark.usefixtures("world_media")(test))


def expected(
    outcomes: dict[str, object], role: str, *, anonymous: object, default: object = NOT_FOUND
) -> object:
    """What ``role`` gets from a row's ``outcomes`` ({role: outcome}): a signed-in role not
    listed gets ``default`` (what one may not know exists is 404), anonymous ``anonymous``
    unless listed."""
    if role in outcomes:
        return outcomes[role]
    return anonymous if role == "anonymous" else default


def world_fixtures(build: Callable[[str], World]):
    """The module's ``world`` and ``world_media`` fixtures: ``build(stage)`` once per stage,
    rolled back after the module, with its people signed in once (``client_for``) and its
    uploads in a folder of its own, which stays MEDIA_ROOT during its tests (tests/conftest.py
    moves MEDIA_ROOT for every test)."""

    @pytest.fixture(scope="module")
    def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
        media_root = tmp_path_factory.mktemp("media")
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media_root, **FAST),
            transaction.atomic(),
        ):
            built = build(request.param)
            built.media_root = media_root
            sign_in_everyone(built)
            built.rows = row_counts()
            yield built
            transaction.set_rollback(True)

    @pytest.fixture
    def world_media(world, settings):
        settings.MEDIA_ROOT = world.media_root

    return world, world_media


def row_counts() -> dict[str, int]:
    """How many rows each model's table holds."""
    from django.apps import apps

    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def isolation_test(stages: Iterable[str]):
    """A test, per world, that the module's cases left it as built (each case's writes were
    rolled back with its savepoint): pytest runs it with the world's other cases, after
    those defined before it in the module."""

    @matrix(Case(stage, "left as built", "") for stage in stages)
    def test_cases_leave_the_world_as_built(case: Case, world: World):
        now = row_counts()

        assert {
            label: (world.rows[label], n) for label, n in now.items() if n != world.rows[label]
        } == {}

    return test_cases_leave_the_world_as_built


def client_for(world: World, role: str) -> Client:
    """A fresh browser client (no cookies, no messages) signed in as ``role`` (or nobody)."""
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# ---- Responses as outcomes -------------------------------------------------------------------


def to(view_name: str) -> str:
    """The outcome of a redirect to ``view_name``."""
    return f"302 -> {view_name}"


# The sign-in page, asked to come back to the page that was requested.
SIGN_IN = "302 -> login (next: this page)"
# The Django admin's own sign-in page, likewise.
ADMIN_SIGN_IN = "302 -> admin:login (next: this page)"


def page_outcome(response, url: str | None = None) -> object:
    """The status, or for a redirect where it goes (and, given the requested ``url``, whether
    it brings the user back)."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return response.status_code
    location = urlparse(response["Location"])
    name = resolve(location.path).view_name
    back = parse_qs(location.query).get("next")
    if back is None or url is None:
        return f"{response.status_code} -> {name}"
    return f"{response.status_code} -> {name} (next: {'this page' if back == [url] else back[0]})"


def api_outcome(response) -> object:
    """200 with the number of items for a JSON list, else the status code (files and pages:
    the status code)."""
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return response.status_code
    body = response.json()
    if isinstance(body, list):
        return (200, len(body))
    if isinstance(body, dict) and "results" in body:
        return (200, len(body["results"]))
    return 200


def read_body(response) -> bytes:
    """The response's bytes, a streamed file's included. Reading a stream to its end closes
    it (the test client wraps it so); closing it again would fire ``request_finished`` and
    close the database connection, world and all."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# ---- Routes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # as written, prefixes joined
    name: str  # as ``reverse`` spells it, namespaces included ("<unnamed: route>" if none)
    pattern: URLPattern


def routes_of(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern below ``patterns``, includes and router output walked. Format-suffix
    variants (``\\.(?P<format>...)``) are left out: the same view as the pattern without."""
    for entry in patterns:
        route = prefix + str(entry.pattern).removeprefix("^").removesuffix("$")
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from routes_of(entry.url_patterns, route, inner)
        elif "(?P<format>" not in route and "<drf_format_suffix" not in route:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Route(route, name or f"<unnamed: /{route}>", entry)


WRITE_METHODS = ("post", "put", "patch", "delete")


def methods_of(pattern: URLPattern) -> set[str]:
    """The HTTP methods a pattern's view answers, GET included when it has one (HEAD and
    OPTIONS not: DRF adds ``head`` to a viewset route's actions once it has served a GET)."""
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:  # a viewset route: {method: action}
        return set(actions) - {"head", "options"}
    view_class = getattr(pattern.callback, "view_class", None) or getattr(
        pattern.callback, "cls", None
    )
    return {m for m in ("get", *WRITE_METHODS) if hasattr(view_class, m)}


# ---- Routes being added ---------------------------------------------------------------------
# A route someone is adding gets its rows first, and its name and path in the matrix's
# ``PENDING`` ({name: path}): its rows are skipped while it is not routed and checked as soon as
# it is; the path is how it will look, so that one routed under another name is reported
# rather than skipped for ever.


def skip_until_routed(name: str, pending: dict[str, str], routed: Iterable[str]) -> None:
    """Skip a row of a route still being added until it is among the ``routed`` names."""
    if name in pending and name not in set(routed):
        pytest.skip(f"{name} ({pending[name]}) is not routed yet; checked once it is")


def misnamed_pending(pending: dict[str, str]) -> list[str]:
    """Pending rows whose path is routed under another name: they would be skipped forever."""
    from django.urls import Resolver404

    problems = []
    for name, path in pending.items():
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.url_name != name:
            problems.append(f"{path} is routed as {match.url_name!r}; rename row {name!r}")
    return problems
