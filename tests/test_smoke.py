import pytest

@pytest.mark.django_db
def test_smoke(client):
    from wagtail.models import Page
    print(Page.objects.count())
    for url in ["/de/", "/en/", "/de/projekte/", "/en/projects/", "/de/projekte/thilik/", "/en/projects/thilik/", "/sitemap.xml", "/de/gibt-es-nicht/"]:
        r = client.get(url)
        print(url, r.status_code)
    from wagtail.models import Page
    for p in Page.objects.order_by("path"):
        print(p.depth, p.locale_id, p.url_path, p.live, type(p.specific).__name__)
