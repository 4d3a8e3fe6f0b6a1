"""A visitor who uses the keyboard only: skip link, menu, filters, search, language switch.

Every control the Tab key reaches on the way must be on screen and show a focus indicator
(WCAG 2.4.7, which axe cannot check); the tests fail naming the control that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.site_server import Site

pytestmark = pytest.mark.e2e

# What the browser says about the focused element; "ring" is a visible outline or shadow.
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        text: (element.innerText || element.value || "").trim().replace(/\\s+/g, " "),
        href: element.getAttribute("href"),
        inMain: Boolean(element.closest("main")),
        inNav: element.closest("nav")?.getAttribute("aria-label") || "",
        onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none",
    };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted: Callable[[dict], bool], limit: int = 40) -> dict:
    """Press Tab until ``wanted(focused element)``; every stop must be visible and ringed."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["onScreen"], f"focus went to something off screen: {element}"
        assert element["ring"], f"focus is not visible on: {element}"
        if wanted(element):
            return element
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_skip_link_comes_first_and_moves_focus_to_the_content(page: Page):
    page.goto("/de/projekte/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Zum Inhalt springen" and skip["href"] == "#main"
    assert skip["onScreen"] and skip["ring"], f"the skip link is not visible when focused: {skip}"

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    assert urlsplit(page.url).fragment == "main"
    # The next Tab continues inside the content, past header and menu.
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], f"focus left the content: {focused(page)}"


def test_main_menu_leads_to_a_listing(page: Page):
    page.goto("/de/")
    link = tab_to(page, lambda e: e["inNav"] == "Hauptnavigation" and e["text"] == "Projekte")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == link["href"]
    assert page.get_by_role("heading", level=1).inner_text() == "Projekte"
    menu = page.get_by_role("navigation", name="Hauptnavigation")
    assert menu.get_by_role("link", name="Projekte").get_attribute("aria-current") == "page"


def test_listing_filter_by_keyboard(page: Page, site: Site):
    page.goto("/de/projekte/")
    tab_to(page, lambda e: e["id"] == "filter-district")
    page.keyboard.type("Jena")  # a closed select picks the option by typing its name
    assert page.locator("#filter-district option:checked").inner_text() == "Jena"
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Filter anwenden", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    district = parse_qs(urlsplit(page.url).query)["district"][0]
    listed = site.get_json("/api/v1/projects/", locale="de", district=district, limit=50)
    expected = sorted(item["title"] for item in listed["items"])
    shown = sorted(page.locator(".card__title").all_inner_texts())
    assert expected, "the demo content has no project in Jena"
    assert shown == expected
    assert page.locator("#filter-district option:checked").inner_text() == "Jena"


def test_search_submits_with_enter_and_results_open_by_keyboard(page: Page):
    page.goto("/de/")
    tab_to(page, lambda e: e["id"] == "site-search-q")
    page.keyboard.type("ThILIK")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#search-q").input_value() == "ThILIK"

    result = tab_to(page, lambda e: e["inMain"] and e["href"] and "/projekte/" in e["href"])
    assert "Integrationsmanagement" in result["text"], "the acronym's project is not first"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == result["href"]


def test_language_switch_by_keyboard_leads_to_the_translation(page: Page, site: Site):
    project = site.get_json("/api/v1/projects/by-slug/thilik/", locale="de")
    german_path = urlsplit(project["url"]).path
    (english_url,) = [t["url"] for t in project["translations"] if t["locale"] == "en"]
    english_path = urlsplit(english_url).path

    page.goto(german_path)
    tab_to(page, lambda e: e["inNav"] == "Sprache" and e["text"] == "English")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == english_path
    assert page.locator("html").get_attribute("lang") == "en"

    tab_to(page, lambda e: e["inNav"] == "Language" and e["text"] == "Deutsch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == german_path
