from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "syndication"
    verbose_name = _("Syndication")

    def ready(self) -> None:
        from syndication import checks, events, purge, webhooks  # noqa: F401  (signals, checks)
