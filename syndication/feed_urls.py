"""Atom, RSS and JSON feeds (see syndication/feeds.py).

``/feeds/<language>/<kind>.<fmt>`` with kind ``all``, ``projects``, ``publications`` or
``interviews``, and ``/feeds/<language>/{districts,projects,topics}/<key>.<fmt>`` for one
district (by its AGS), project (by its slug in that language) or topic (by its slug).
Unknown kinds and formats do not match, so they are 404s before any view runs.
"""

from django.urls import path, register_converter

from syndication.feeds import FORMATS, KINDS, feed


class _Choice:
    choices: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.regex = "|".join(cls.choices)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in self.choices:
            raise ValueError(value)
        return value


class FormatConverter(_Choice):
    choices = tuple(FORMATS)


class KindConverter(_Choice):
    choices = tuple(KINDS)


class AgsConverter:
    regex = "[0-9]{5}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SlugConverter(AgsConverter):
    """Page slugs may hold umlauts (WAGTAIL_ALLOW_UNICODE_SLUGS), unlike Django's ``slug``."""

    regex = r"[-\w]+"


register_converter(FormatConverter, "feed_format")
register_converter(KindConverter, "feed_kind")
register_converter(AgsConverter, "ags")
register_converter(SlugConverter, "page_slug")

app_name = "feeds"
urlpatterns = [
    path("<str:language>/<feed_kind:scope>.<feed_format:fmt>", feed, name="kind"),
    path(
        "<str:language>/districts/<ags:key>.<feed_format:fmt>",
        feed,
        {"scope": "district"},
        name="district",
    ),
    path(
        "<str:language>/projects/<page_slug:key>.<feed_format:fmt>",
        feed,
        {"scope": "project"},
        name="project",
    ),
    path(
        "<str:language>/topics/<slug:key>.<feed_format:fmt>",
        feed,
        {"scope": "topic"},
        name="topic",
    ),
]
