"""The one definition of "visible to the public" that every outward surface shares."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Now, Substr
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction


def visible_pages(queryset: QuerySet) -> QuerySet:
    """Live, not view-restricted, and inside their go-live/expiry window.

    Wagtail unpublishes expired pages only when ``publish_scheduled`` runs, so the
    dates are checked here too: an expired page must vanish on time, not at the next cron.
    """
    # The database's clock, not a parameter: the SQL of a listing stays the same from one
    # request to the next, so its count can be kept (cms.response_cache.cached_count).
    now = Now()
    # Restricted: a view restriction sits on the page or on an ancestor, i.e. on a page
    # whose path is a prefix of this one. As a subquery this costs no extra round trip
    # (Wagtail's ``public()`` first fetches every restriction).
    # Written as "a restricted page whose path …", not "a restriction whose page's path …":
    # SQLite planned the latter as a scan of every page for every row (5 s for a list of
    # 5,000 publications); this way the few restricted pages drive the lookup.
    restricted = Page.objects.filter(
        pk__in=PageViewRestriction.objects.values("page_id"),
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    return (
        queryset.live()
        .filter(~Exists(restricted))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
    )


def in_schedule(page: Page) -> bool:
    """Inside the go-live/expiry window (for hits a search backend cannot filter by date)."""
    now = timezone.now()
    return not (
        (page.expire_at and page.expire_at <= now) or (page.go_live_at and page.go_live_at > now)
    )


def is_visible(page: Page) -> bool:
    if not (page.live and in_schedule(page)):
        return False
    return not page.get_view_restrictions().exists()
