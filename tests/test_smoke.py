import pytest

@pytest.mark.django_db
def test_smoke(client):
    from wagtail.models import Page, Site
    print(Site.objects.all().values())
    for p in Page.objects.order_by("path"):
        print(p.depth, p.locale_id, p.url_path, p.live, type(p.specific).__name__, p.get_url())
