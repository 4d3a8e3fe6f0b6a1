"""Two editors on one page: the second save never silently replaces the first.

What Wagtail 8 does, through its real admin views (the settings keep its defaults on:
autosave every 500 ms, an editing-session ping every 10 s):

* every edit form carries the revision it was loaded from; the session ping tells the
  other editor "… saved a new version", and the editor then asks before saving over it;
* autosave (a JSON POST) refuses to save over a newer revision;
* a save over one's own autosaved revision is refused once someone else saved after it,
  and the editor keeps the form with their text;
* a locked page refuses everybody's save but the locker's.

Not checked on the server: a plain form POST without autosave and without JavaScript
(which the Wagtail admin needs anyway); docs/robustness.md says so.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from cms.demo.roles import EDITORS, MODERATORS
from home.models import HomePage, StandardPage
from tests.admin_http import form_fields
from tests.helpers import member_of

pytestmark = pytest.mark.django_db

ORIGINAL = "Der ursprüngliche Einleitungstext."


@pytest.fixture
def page(home: HomePage) -> StandardPage:
    page = StandardPage(title="Konfliktseite", slug="konfliktseite", intro=ORIGINAL)
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@dataclass
class EditorTab:
    """One editor's open edit view: the form as loaded and its session's ping."""

    client: Client
    page: StandardPage
    fields: list[tuple[str, str]]
    ping_url: str
    revision_id: str
    revision_created_at: str

    def submit(self, intro: str, *, autosave: bool = False, **extra: str):
        data = [(name, value) for name, value in self.fields if name not in {"intro", *extra}]
        data += [("intro", intro), ("body-count", "0"), *extra.items()]
        url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        # Wagtail's autosave posts the same form but asks for JSON.
        headers = {"HTTP_ACCEPT": "application/json"} if autosave else {}
        return self.client.post(url, dict_of_lists(data), **headers)

    def ping(self) -> dict:
        response = self.client.post(
            self.ping_url,
            {"revision_id": self.revision_id, "revision_created_at": self.revision_created_at},
        )
        assert response.status_code == 200
        return response.json()


def dict_of_lists(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def open_editor(client: Client, page: StandardPage) -> EditorTab:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    form = form_fields(html, "page-edit-form")
    assert form.streams == {"body": []}, "the test page has no blocks to submit"
    loaded = dict(form.fields)
    assert loaded["loaded_revision_id"] == str(page.latest_revision_id)
    # Autosave is on (Wagtail's default): it is what refuses a stale save on the server.
    assert "w-autosave" in html and 'data-w-autosave-interval-value="' in html
    return EditorTab(
        client=client,
        page=page,
        fields=form.fields,
        ping_url=re.search(r'data-w-swap-src-value="([^"]+)"', html).group(1),
        revision_id=loaded["loaded_revision_id"],
        revision_created_at=loaded["loaded_revision_created_at"],
    )


def latest_intro(page: StandardPage) -> str:
    page.refresh_from_db()
    return page.get_latest_revision_as_object().intro


@pytest.fixture
def anna() -> Client:
    return member_of(EDITORS, "anna-redaktion")


@pytest.fixture
def ben() -> Client:
    return member_of(EDITORS, "ben-redaktion")


def test_the_second_editor_is_told_that_a_newer_version_was_saved(page, anna, ben):
    a, b = open_editor(anna, page), open_editor(ben, page)
    assert a.submit("Annas Fassung.").status_code == 302
    page.refresh_from_db()

    seen = b.ping()
    others = {session["user"]: session for session in seen["other_sessions"]}
    assert others["anna-redaktion"]["revision_id"] == page.latest_revision_id
    # The text Wagtail shows beside the avatar; it makes the editor confirm before saving.
    assert "anna-redaktion saved a new version" in seen["html"]


def test_autosave_does_not_save_over_a_newer_version(page, anna, ben):
    a, b = open_editor(anna, page), open_editor(ben, page)
    assert a.submit("Annas Fassung.").status_code == 302

    response = b.submit("Bens Fassung.", autosave=True)
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_revision"
    assert latest_intro(page) == "Annas Fassung."
    assert not page.revisions.filter(content__intro="Bens Fassung.").exists()


def test_saving_after_an_own_autosave_does_not_replace_a_newer_version(page, anna, ben):
    a, b = open_editor(anna, page), open_editor(ben, page)
    draft = b.submit("Bens Entwurf.", autosave=True)
    assert draft.status_code == 200, draft.content
    own_revision = str(draft.json()["revision_id"])
    # Anna saves after Ben's autosave (her browser had asked her to confirm).
    assert a.submit("Annas Fassung.").status_code == 302

    # Ben goes on typing: the next autosave is refused …
    refused = b.submit("Bens Fassung.", autosave=True, overwrite_revision_id=own_revision)
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "invalid_revision"
    # … and so is his Save button; he keeps his text in the form to compare and retry.
    response = b.submit("Bens Fassung.", overwrite_revision_id=own_revision)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cannot overwrite a revision that is not the latest" in html
    assert "Bens Fassung." in html
    assert latest_intro(page) == "Annas Fassung."


def test_a_locked_page_refuses_other_editors_saves(page, ben):
    carla = member_of(MODERATORS, "carla-freigabe")
    b = open_editor(ben, page)
    locked = carla.post(reverse("wagtailadmin_pages:lock", args=[page.pk]))
    assert locked.status_code == 302
    page.refresh_from_db()
    assert page.locked

    response = b.submit("Bens Fassung.")
    assert response.status_code == 200  # the form again, not a redirect after saving
    assert "locked" in response.content.decode().lower()
    assert latest_intro(page) == ORIGINAL
    # The editor who locked it may save.
    c = open_editor(carla, page)
    assert c.submit("Carlas Fassung.").status_code == 302
    assert latest_intro(page) == "Carlas Fassung."
