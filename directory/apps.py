from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """People, organisations and topics: the shared register every content app points to."""

    name = "directory"
    verbose_name = _("Directory")
