from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("IKPE platform")

    def ready(self) -> None:
        from cms import lookups, renditions  # noqa: F401  (renditions: pre-generation)

        lookups.register()
