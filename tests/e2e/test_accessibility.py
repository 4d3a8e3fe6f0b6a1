"""Accessibility and CSP of the public site, in a real browser, in both languages.

axe-core must find no WCAG 2.1 A/AA violation on the home page, every listing, one page of
every detail type, search results and the 404 page, at desktop and at mobile width, and the
mobile layout must reflow without horizontal scrolling. A screenshot of every page type at
both widths goes to the artefacts folder. axe is evaluated through the DevTools protocol,
which the page's Content-Security-Policy does not govern; a separate test loads the same
pages with nothing injected and requires the policy to be sent and never violated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import DESKTOP, LOCALES, MOBILE, PAGE_MODELS

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
# axe's best-practice rules for finding one's way with a screen reader, checked as well.
STRUCTURE = {
    "type": "rule",
    "values": ["landmark-unique", "landmark-one-main", "page-has-heading-one", "region"],
}
PAGE_TYPES = [*PAGE_MODELS, "search", "not_found"]
SEARCH_TERMS = {"de": "Integration", "en": "integration"}


def open_page_type(page: Page, page_paths: dict, name: str, locale: str) -> dict[str, str]:
    """Go to the page type as a visitor would reach it; return the response's headers."""
    if name == "search":
        page.goto(f"/{locale}/")
        with page.expect_navigation() as navigation:
            page.get_by_role("search").get_by_role("searchbox").fill(SEARCH_TERMS[locale])
            page.keyboard.press("Enter")
        response = navigation.value
        assert page.locator(".search-result").count() > 0, "the search found nothing"
    elif name == "not_found":
        response = page.goto(f"/{locale}/e2e-diese-seite-gibt-es-nicht/")
        assert response is not None and response.status == 404
    else:
        response = page.goto(page_paths[name, locale])
        assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == locale
    return response.all_headers()


def axe_violations(page: Page, axe_source: str, rules: dict = WCAG_21_AA) -> list[dict]:
    """Run axe-core's rules on the page (WCAG 2.1 A/AA by default); fail if it checked nothing."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    results = page.evaluate(
        """async (runOnly) => {
            const results = await axe.run(document, {runOnly});
            return {violations: results.violations, passed: results.passes.length};
        }""",
        rules,
    )
    minimum = 10 if rules["type"] == "tag" else 1  # a blank page would pass a few rules too
    assert results["passed"] >= minimum, f"axe checked (almost) nothing: {results}"
    return results["violations"]


def directives(policy: str) -> dict[str, list[str]]:
    """``"script-src 'self'; img-src *"`` → ``{"script-src": ["'self'"], "img-src": ["*"]}``."""
    parsed = {}
    for directive in policy.split(";"):
        if directive.strip():
            name, *values = directive.split()
            parsed[name.lower()] = values
    return parsed


def describe(violations: list[dict]) -> str:
    """What failed, where and why, in the words axe uses (its rule ids link to the docs)."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_meets_wcag_21_aa(
    page: Page, page_paths: dict, axe_source: str, artifacts_dir: Path, name: str, locale: str
):
    open_page_type(page, page_paths, name, locale)
    problems = []
    for width, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(viewport)
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(f"{width} ({viewport['width']} px):\n{describe(violations)}")
        page.screenshot(path=artifacts_dir / f"{name}-{locale}-{width}.png", full_page=True)
    structure = axe_violations(page, axe_source, STRUCTURE)
    if structure:
        problems.append(f"landmarks and headings:\n{describe(structure)}")
    # WCAG 1.4.10 (reflow), which axe cannot judge: at 320 CSS px, nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"320 px: the page scrolls sideways by {overflow} px")
    assert not problems, f"{name} in {locale} ({page.url}):\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_public_pages_send_and_keep_the_content_security_policy(
    page: Page, page_paths: dict, locale: str
):
    """Nothing injected here: what the browser reports is what a visitor's browser would."""
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(f"script error: {error}"))
    for name in PAGE_TYPES:
        headers = open_page_type(page, page_paths, name, locale)
        policy = directives(headers.get("content-security-policy", ""))
        scripts = policy.get("script-src", policy.get("default-src"))
        assert scripts, f"{name}: no Content-Security-Policy governs scripts ({policy})"
        assert "'unsafe-inline'" not in scripts, f"{name}: inline scripts allowed ({scripts})"

    # The search page's own script still runs under the policy: it fetches title suggestions.
    page.goto(f"/{locale}/")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("searchbox").fill(SEARCH_TERMS[locale])
        page.keyboard.press("Enter")
    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially(SEARCH_TERMS[locale][:5], delay=50)
    page.wait_for_function(
        "() => document.querySelectorAll('#search-suggestions option').length > 0"
    )
    assert not reports, "\n".join(reports)


def test_the_check_finds_a_violation_where_there_is_one(page: Page, axe_source: str):
    """Guards the harness: an unlabelled search field must not pass unnoticed."""
    page.goto("/de/")
    page.evaluate("() => document.querySelector('label[for=site-search-q]').remove()")
    assert "label" in {violation["id"] for violation in axe_violations(page, axe_source)}
