"""Editorial roles and the moderation workflow, as the demo command sets them up.

Two groups with least privilege, named as the institute's staff call the roles:

- **Redaktion** (editors) write and translate pages under both home pages, upload and choose
  images and documents, and maintain people, organisations, topics and series. They cannot
  publish, lock others out, delete, or manage users and settings: what they write goes
  through moderation.
- **Freigabe** (moderators) can do the same and also publish, lock and unlock.

Every page under the home pages (both locales, the homes included) goes through the
workflow “Redaktion → Freigabe”: one group approval task that members of Freigabe approve.

Wagtail's own default groups (“Editors”, “Moderators”) and workflow are left alone: they
come from Wagtail's migrations, may already have members in an existing installation, and
a demo loader must not take anybody's access away.

``ensure_roles()`` is idempotent: a second run finds everything and creates nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Redaktion"
MODERATORS = "Freigabe"
WORKFLOW = "Redaktion → Freigabe"
APPROVAL_TASK = "Freigabe"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "lock_page", "unlock_page"]
# Upload, edit one's own uploads, and pick from everyone's in the choosers.
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]
# Snippets the pages refer to; no delete, since pages and partners point at them.
MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
    *(
        (app, f"{action}_{model}")
        for app, model in [
            ("directory", "person"),
            ("directory", "organisation"),
            ("directory", "topic"),
            ("publications", "publicationseries"),
        ]
        for action in ("add", "change")
    ),
]


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def home_pages() -> list[Page]:
    """The roots of the content: the default site's home page and its translations."""
    root = Site.objects.get(is_default_site=True).root_page
    return list(root.get_translations(inclusive=True).order_by("pk"))


def ensure_group(name: str, page_permissions: list[str], homes: list[Page]) -> tuple[Group, int]:
    group, created = Group.objects.get_or_create(name=name)
    count = int(created)
    wanted = [permission(app, codename) for app, codename in MODEL_PERMISSIONS]
    missing = set(wanted) - set(group.permissions.all())
    group.permissions.add(*missing)
    count += len(missing)
    for page in homes:
        for codename in page_permissions:
            count += GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=permission("wagtailcore", codename)
            )[1]
    root_collection = Collection.get_first_root_node()
    for app, codename in MEDIA_PERMISSIONS:
        count += GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission(app, codename)
        )[1]
    return group, count


def ensure_workflow(moderators: Group, homes: list[Page]) -> int:
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    count = int(created)
    task, task_created = GroupApprovalTask.objects.get_or_create(name=APPROVAL_TASK)
    count += task_created
    if not task.groups.filter(pk=moderators.pk).exists():
        task.groups.add(moderators)
        count += 1
    count += WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )[1]
    for page in homes:
        count += WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})[
            1
        ]
    return count


def ensure_roles() -> int:
    """Create the groups, their permissions and the workflow; return how many things were new."""
    homes = home_pages()
    _editors, count = ensure_group(EDITORS, EDITOR_PAGE_PERMISSIONS, homes)
    moderators, moderator_count = ensure_group(MODERATORS, MODERATOR_PAGE_PERMISSIONS, homes)
    return count + moderator_count + ensure_workflow(moderators, homes)
