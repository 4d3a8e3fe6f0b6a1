"""Submit a wagtail-localize translation to its page's moderation workflow.

wagtail-localize's translation editor (which replaces the page editor for a synced
translation) stores the translated strings but offers no workflow action, and never writes
them into a page revision unless the user publishes. An editor who may not publish (group
“Redaktion”) could therefore translate a page but never get it approved. This module adds
the missing step as a button in the page explorer (a row's “more” menu and the page's own
header menu): it renders the current translation into a draft revision and starts the
page's workflow, or resumes it after a moderator asked for changes, as Wagtail's own
“Submit for moderation” does. Moderators then approve it the usual way, which publishes
that revision.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets.button import Button
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import SegmentOverride, StringTranslation, Translation

URL_NAME = "cms_submit_translation"


def translation_of(page: Page) -> Translation | None:
    """The enabled wagtail-localize translation that produces ``page``, if any."""
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        )
        .select_related("source")
        .first()
    )


def has_changes_to_submit(page: Page, translation: Translation) -> bool:
    """A draft newer than the live page, or strings edited since the last revision.

    The translation editor saves strings without touching the page, so ``live`` and
    ``has_unpublished_changes`` alone miss edits made to an already published translation.
    """
    if not page.live or page.has_unpublished_changes:
        return True
    since = page.latest_revision_created_at
    if since is None:
        return True
    edited = {
        "context__object_id": translation.source.object_id,
        "updated_at__gt": since,
    }
    return (
        StringTranslation.objects.filter(locale_id=translation.target_locale_id, **edited).exists()
        or SegmentOverride.objects.filter(locale_id=translation.target_locale_id, **edited).exists()
    )


def can_submit(page: Page, user) -> Translation | None:
    """The page's translation when ``user`` may submit it now, else ``None``.

    Cheapest checks first: the explorer asks this for every row it lists.
    """
    permissions = page.permissions_for_user(user)
    if not permissions.can_edit():
        return None
    translation = translation_of(page)
    if translation is None or not has_changes_to_submit(page, translation):
        return None
    if not permissions.can_submit_for_moderation():  # locked, no workflow, or one running
        return None
    return translation


class _Discard(Exception):
    """Raised to roll back a savepoint while keeping what was built inside it."""

    def __init__(self, draft: Page):
        self.draft = draft


def save_translation_draft(translation: Translation, page: Page, user) -> None:
    """Write the current translated strings into a new draft revision of ``page``.

    ``Translation.save_target(publish=False)`` also saves the translated content into the
    page's own row, which for a live page *is* the published content. For a live page it
    therefore runs in a savepoint that is rolled back; only the revision it produced is
    kept, saved anew on the page (which writes the revision pointers, not the content).
    """
    if not page.live:
        translation.save_target(user=user, publish=False)
        return
    try:
        with transaction.atomic():
            translation.save_target(user=user, publish=False)
            raise _Discard(Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object())
    except _Discard as discarded:
        draft = discarded.draft
        draft.latest_revision_id = page.latest_revision_id  # the discarded one is gone
        draft.save_revision(user=user, log_action=True)


@require_POST
def submit_translation(request: HttpRequest, page_id: int) -> HttpResponse:
    """Save the translation as a draft and send it to the page's workflow (POST only)."""
    page = get_object_or_404(Page, pk=page_id).specific
    permissions = page.permissions_for_user(request.user)
    if not permissions.can_edit() or not permissions.can_submit_for_moderation():
        raise PermissionDenied
    translation = translation_of(page)
    if translation is None:
        raise PermissionDenied  # not a wagtail-localize translation: the page editor submits
    next_url = get_valid_next_url_from_request(request) or reverse(
        "wagtailadmin_explore", args=[page.get_parent().pk]
    )
    title = page.get_admin_display_title()
    if not has_changes_to_submit(page, translation):
        messages.warning(
            request,
            _("The translation '%(title)s' has no changes to submit.") % {"title": title},
        )
        return redirect(next_url)

    with transaction.atomic():
        save_translation_draft(translation, page, request.user)
        page = Page.objects.get(pk=page.pk).specific
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(request.user)  # a moderator asked for changes: back to them
            workflow = state.workflow
        else:
            workflow = page.get_workflow()
            workflow.start(page, request.user)  # logs "wagtail.workflow.start"

    messages.success(
        request,
        _("The translation '%(title)s' has been submitted to the workflow '%(workflow)s'.")
        % {"title": page.get_admin_display_title(), "workflow": workflow.name},
    )
    return redirect(next_url)


def submit_button(page: Page, user, next_url: str | None = None, **kwargs) -> list[Button]:
    """The button for the explorer's menus; a POST through Wagtail's ``w-action`` controller
    (which adds the CSRF token and the current address as ``next``)."""
    if can_submit(page, user) is None:
        return []
    return [
        Button(
            _("Submit translation for approval"),
            icon_name="resubmit",
            priority=55,
            attrs={
                "data-controller": "w-action",
                "data-action": "w-action#post",
                "data-w-action-url-value": reverse(URL_NAME, args=[page.pk]),
            },
        )
    ]


hooks.register("register_page_listing_more_buttons", submit_button)
hooks.register("register_page_header_buttons", submit_button)


@hooks.register("register_admin_urls")
def urls() -> list:
    return [
        path("translation-workflow/<int:page_id>/submit/", submit_translation, name=URL_NAME),
    ]
