"""Syncing translations never throws away an edited English text behind the editor's back.

How wagtail-localize 1.14 behaves, through its admin views:

* "Sync translated pages" is a confirmation page first; nothing changes until it is
  submitted, and without "Publish immediately" the live English page stays as it is.
* A synced translation keeps the translator's strings for every German text that did not
  change; a changed German text is offered for translation again (the live English page
  shows the German until then, only if the editor chose to publish immediately), and the
  translator's earlier wording stays stored.
* A translation converted to a manually edited page ("stop synced translation") is no
  longer touched by a sync at all.
"""

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from home.models import HomePage, StandardPage
from tests.admin_http import form_fields

pytestmark = pytest.mark.django_db

GERMAN_TITLE, GERMAN_INTRO = "Synchronisierte Seite", "Der deutsche Einleitungstext."
ENGLISH_TITLE, ENGLISH_INTRO = "Synchronised page", "The translator's edited English intro."


@pytest.fixture
def german(home: HomePage) -> StandardPage:
    page = StandardPage(title=GERMAN_TITLE, slug="synchronisierte-seite", intro=GERMAN_INTRO)
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def translated(admin_client: Client, german, en: Locale, django_capture_on_commit_callbacks):
    """The German page translated in the translation editor and published in English."""
    url = reverse("wagtail_localize:submit_page_translation", args=[german.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {"locales": [en.pk]}).status_code == 302
    translation = Translation.objects.get(source__object_id=german.translation_key)
    for source_text, english in ((GERMAN_TITLE, ENGLISH_TITLE), (GERMAN_INTRO, ENGLISH_INTRO)):
        translate_string(admin_client, translation, source_text, english)
    english_page = german.get_translation(en).specific
    with django_capture_on_commit_callbacks(execute=True):
        published = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=[english_page.pk]), {"action": "publish"}
        )
    assert published.status_code == 302
    english_page.refresh_from_db()
    assert (english_page.live, english_page.intro) == (True, ENGLISH_INTRO)
    return translation, english_page


def translate_string(client: Client, translation: Translation, source_text: str, value: str):
    """What the translation editor sends when the translator saves one string."""
    segment = StringSegment.objects.get(source=translation.source, string__data=source_text)
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    body = encode_multipart(BOUNDARY, {"value": value})  # the browser's FormData
    response = client.put(url, body, content_type=MULTIPART_CONTENT)
    assert response.status_code in (200, 201), response.content


def edit_and_publish(client: Client, page: StandardPage, capture, **changes: str) -> None:
    """Change and publish a page through its edit form."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = form_fields(client.get(url).content.decode(), "page-edit-form")
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        if name not in changes:
            data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    data.update({"body-count": ["0"], "action-publish": ["action-publish"]})
    with capture(execute=True):
        assert client.post(url, data).status_code == 302
    page.refresh_from_db()


def sync(client: Client, translation: Translation, capture, *, publish: bool):
    url = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    with capture(execute=True):
        response = client.post(url, {"publish_translations": "on"} if publish else {})
    assert response.status_code == 302


def latest_draft(page: StandardPage) -> StandardPage:
    return StandardPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def test_sync_asks_first_and_changes_nothing_until_confirmed(
    admin_client, german, translated, django_capture_on_commit_callbacks
):
    translation, english = translated
    edit_and_publish(admin_client, german, django_capture_on_commit_callbacks, title="Neuer Titel")

    url = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="publish_translations"' in html  # the editor chooses whether to publish
    assert ENGLISH_TITLE in html  # and sees which translation will be updated
    english.refresh_from_db()
    assert (english.title, english.intro) == (ENGLISH_TITLE, ENGLISH_INTRO)


def test_sync_keeps_the_translators_strings_for_unchanged_german_text(
    admin_client, german, translated, django_capture_on_commit_callbacks
):
    translation, english = translated
    edit_and_publish(admin_client, german, django_capture_on_commit_callbacks, title="Neuer Titel")
    sync(admin_client, translation, django_capture_on_commit_callbacks, publish=True)

    english.refresh_from_db()
    assert english.intro == ENGLISH_INTRO  # the edited English survived the sync
    assert english.title == "Neuer Titel"  # new German text: German until translated


def test_changed_german_text_leaves_the_live_english_alone_without_publish(
    admin_client, german, translated, django_capture_on_commit_callbacks
):
    translation, english = translated
    edit_and_publish(
        admin_client, german, django_capture_on_commit_callbacks, intro="Ein neuer Einleitungstext."
    )
    sync(admin_client, translation, django_capture_on_commit_callbacks, publish=False)

    english.refresh_from_db()
    assert english.intro == ENGLISH_INTRO
    assert latest_draft(english).intro == ENGLISH_INTRO
    # The new German text waits for the translator; the earlier English is still stored.
    segment = StringSegment.objects.get(
        source=translation.source, string__data="Ein neuer Einleitungstext."
    )
    assert not StringTranslation.objects.filter(
        translation_of=segment.string, locale=english.locale
    ).exists()
    assert StringTranslation.objects.filter(data=ENGLISH_INTRO, locale=english.locale).exists()


def test_a_manually_edited_translation_is_not_touched_by_a_sync(
    admin_client, german, translated, django_capture_on_commit_callbacks
):
    translation, english = translated
    # "Stop synced translation": from now on the English page is edited like any page.
    stop = reverse("wagtail_localize:stop_translation", args=[translation.pk])
    assert admin_client.post(stop, {"next": "/admin/"}).status_code == 302
    edit_and_publish(
        admin_client, english, django_capture_on_commit_callbacks, intro="Hand written."
    )

    edit_and_publish(
        admin_client, german, django_capture_on_commit_callbacks, intro="Ein neuer Einleitungstext."
    )
    url = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    assert ENGLISH_TITLE not in admin_client.get(url).content.decode()  # not offered
    sync(admin_client, translation, django_capture_on_commit_callbacks, publish=True)

    english.refresh_from_db()
    assert english.intro == "Hand written."
    assert latest_draft(english).intro == "Hand written."
