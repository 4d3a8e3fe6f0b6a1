"""Let Wagtail's Editors and Moderators groups maintain the shared snippets.

Permissions are normally created after all migrations have run, so they are created here
first; otherwise a fresh database would have nothing to grant.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SNIPPETS = [
    ("directory", "person"),
    ("directory", "organisation"),
    ("directory", "topic"),
    ("publications", "publicationseries"),
]
GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    for app_label in {app for app, _model in SNIPPETS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the migration state's stub lacks it
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label, model in SNIPPETS:
        permissions = Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in ("add", "change", "delete", "view")],
        )
        for group in Group.objects.filter(name__in=GROUPS):
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("directory", "0001_initial"),
        ("publications", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
