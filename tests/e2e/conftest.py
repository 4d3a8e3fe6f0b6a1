"""Fixtures of the browser tests: the served site, headless Chromium, axe-core, artefacts.

Chromium is Debian's (never a Playwright download). Where it or axe-core is missing the
tests skip, except in CI (``CI`` set), where a missing tool is a failure: a green CI run
must mean the browser tests ran.

Playwright's synchronous API keeps an asyncio loop running while it is active, and Django
refuses database access from a thread with a running loop; so Playwright lives for one test
module at a time and the other tests of the session never see it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.site_server import PROJECT_DIR, Site
from tests.helpers import require

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
# Test users, created by the ``accounts`` fixture in the groups load_demo_content sets up.
PASSWORD = "e2e-Passwort-2024!"
EDITOR = "e2e-redaktion"
MODERATOR = "e2e-freigabe"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: real-browser test (Chromium) against the site served by gunicorn"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember each phase's outcome, so ``page`` can keep a screenshot of a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# -- artefacts -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots for CI to keep: ``e2e-artifacts/`` or the folder E2E_ARTIFACTS names."""
    path = Path(os.environ.get("E2E_ARTIFACTS") or PROJECT_DIR / "e2e-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(path / "failures", ignore_errors=True)  # a previous run's, not this one's
    return path


# -- the site --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo site in its own database, on gunicorn on a free loopback port."""
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    served = Site(tmp_path_factory.mktemp("e2e-site"))
    try:
        served.prepare()
        served.start()
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="session")
def accounts(site: Site) -> dict[str, str]:
    """An editor in “Redaktion” and a moderator in “Freigabe”, the groups of the demo roles."""
    site.manage(
        "shell",
        "--no-imports",
        "--command",
        f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
User = get_user_model()
for username, name in [({EDITOR!r}, "Redaktion"), ({MODERATOR!r}, "Freigabe")]:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise SystemExit(f"No group {{name!r}}: load_demo_content creates it (cms/demo/roles.py)")
    user = User.objects.create_user(username, f"{{username}}@example.org", {PASSWORD!r})
    user.groups.add(group)
""",
    )
    return {"editor": EDITOR, "moderator": MODERATOR, "password": PASSWORD}


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(
    browser: Browser, site: Site, artifacts_dir: Path, request: pytest.FixtureRequest
) -> Iterator:
    """``new_context(locale="de-DE", **options)``: a fresh browser profile on the site.

    When the test fails, the last page of every context it opened is kept as a screenshot
    in ``<artefacts>/failures/``.
    """
    contexts: list[BrowserContext] = []

    def make(locale: str = "de-DE", **options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=site.base_url, locale=locale, **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    for number, context in enumerate(contexts):
        if failed and context.pages:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            folder = artifacts_dir / "failures"
            folder.mkdir(exist_ok=True)
            context.pages[-1].screenshot(path=folder / f"{name}-{number}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh German-speaking browser profile."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE_SCRIPT.exists(), f"axe-core not found at {AXE_SCRIPT} (run `make install`)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


# -- the demo pages --------------------------------------------------------------------------

LOCALES = ("de", "en")
# Page types by the name the tests use; one live page of each is looked up per language.
PAGE_MODELS = {
    "home": "home.HomePage",
    "standard": "home.StandardPage",
    "project_index": "projects.ProjectIndexPage",
    "project": "projects.ProjectPage",
    "publication_index": "publications.PublicationIndexPage",
    "publication": "publications.PublicationPage",
    "interview": "publications.InterviewPage",
    "district_index": "districts.DistrictIndexPage",
    "district": "districts.DistrictPage",
}


@pytest.fixture(scope="session")
def page_paths(site: Site) -> dict[tuple[str, str], str]:
    """{(type, locale): path} of one live page per type, as the site's own page API lists them.

    Looked up rather than written down, so the tests follow the demo content's slugs.
    """
    paths = {}
    for name, model in PAGE_MODELS.items():
        for locale in LOCALES:
            items = site.get_json("/api/v2/pages/", type=model, locale=locale, limit=1, order="id")[
                "items"
            ]
            assert items, f"the demo content has no live {model} in {locale}"
            paths[name, locale] = urlsplit(items[0]["meta"]["html_url"]).path
    return paths
