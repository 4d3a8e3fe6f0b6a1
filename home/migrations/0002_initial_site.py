"""Replace Wagtail's welcome page with our German home page and add the English locale."""

from django.db import migrations


def create_site(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    german, _ = Locale.objects.get_or_create(language_code="de")
    Locale.objects.get_or_create(language_code="en")
    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    home = HomePage.objects.create(
        title="Institut für kommunale Planung und Entwicklung",
        draft_title="Institut für kommunale Planung und Entwicklung",
        slug="start",
        content_type=content_type,
        path="00010002",
        depth=2,
        numchild=0,
        url_path="/start/",
        locale=german,
        live=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_site, migrations.RunPython.noop)]
