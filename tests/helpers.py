"""Helpers for reading responses; plain functions, imported by the test modules."""

import os
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Locale, Page

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])


def text(response) -> str:
    """The decoded body of a response."""
    return response.content.decode(response.charset or "utf-8")


class _TagCollector(HTMLParser):
    def __init__(self, names: set[str]):
        super().__init__(convert_charrefs=True)
        self.names = names
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.names:
            self.tags.append((tag, {key: value or "" for key, value in attrs}))

    handle_startendtag = handle_starttag


def tags(response_or_html, *names: str) -> list[dict]:
    """Attributes of every start tag with one of ``names`` (e.g. "a", "link", "meta")."""
    html = response_or_html if isinstance(response_or_html, str) else text(response_or_html)
    collector = _TagCollector(set(names))
    collector.feed(html)
    return [attrs for _name, attrs in collector.tags]


def german(msgid: str) -> str | None:
    """The German translation of a UI string from locale/de, or None while it is missing."""
    path = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return None
    entry = polib.pofile(str(path)).find(msgid)
    if entry is None or not entry.msgstr or "fuzzy" in entry.flags:
        return None
    return entry.msgstr


def one_page_per_type() -> dict[str, Page]:
    """One live German demo page of every page type, by model name."""
    de = Locale.objects.get(language_code="de")
    from districts.models import DistrictIndexPage, DistrictPage
    from home.models import HomePage, StandardPage
    from projects.models import ProjectIndexPage, ProjectPage
    from publications.models import InterviewPage, PublicationIndexPage, PublicationPage

    models = [
        HomePage,
        StandardPage,
        ProjectIndexPage,
        ProjectPage,
        PublicationIndexPage,
        PublicationPage,
        InterviewPage,
        DistrictIndexPage,
        DistrictPage,
    ]
    return {
        model.__name__: model.objects.filter(locale=de).order_by("path").first() for model in models
    }


def member_of(group: str, username: str) -> Client:
    """A signed-in admin client for a new user in ``group``, reading the admin in English;
    the user is on ``client.user``."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "x")
    user.groups.add(Group.objects.get(name=group))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.user = user
    return client


def count_cache_calls(monkeypatch) -> list[str]:
    """Record the names of the default cache's calls from now on: its round trips."""
    from django.core.cache import cache

    calls, depth = [], [0]
    for name in ("get", "get_many", "set", "set_many", "has_key", "add", "delete", "incr"):
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:  # LocMemCache.get_many calls get itself: count the outer call
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    return calls


def require(available: bool, reason: str) -> None:
    """Skip where a tool or file is missing; in CI (``CI`` set), which provides them, fail
    instead, so that a green CI run means every test ran."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def require_redis(url: str) -> None:
    """Skip without a Redis server at ``url``; in CI, which starts one, fail instead."""
    import redis

    try:
        reachable = bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        reachable = False
    require(reachable, f"Redis is not reachable at {url}")


def shared_path(*parts: str) -> Path:
    """A file of ``../shared`` (the institute's reference material beside the project),
    which a clone on its own doesn't have."""
    path = Path(settings.BASE_DIR).parent.joinpath("shared", *parts)
    require(path.exists(), f"{path} is missing (the reference material beside the project)")
    return path
