from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    """District profiles: referenced by projects and publications, so they live on their own."""

    name = "districts"
    verbose_name = _("Districts")
