"""Image sizes come from one list and are made on upload and publish, never while serving."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import Filter, Rendition

from cms import renditions
from cms.api.serialize import RENDITIONS as API_RENDITIONS
from tests.helpers import tags, text

pytestmark = pytest.mark.django_db

SIZES = set(renditions.SPECS.values())
TEMPLATE_DIRS = [
    Path(django_settings.BASE_DIR) / app
    for app in ("cms", "home", "projects", "publications", "districts", "search", "syndication")
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def anon() -> Client:
    return Client()


def make_image(title: str = "Testbild", size=(1600, 1000), color="teal"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower()}.png")
    )


def upload(capture, title: str = "Testbild", **kwargs):
    """Upload as the admin does: the renditions task runs once the transaction commits."""
    with capture(execute=True):
        return make_image(title, **kwargs)


def made_for(image) -> set[str]:
    return set(Rendition.objects.filter(image=image).values_list("filter_spec", flat=True))


# -- one list ----------------------------------------------------------------------------


def test_templates_and_api_use_only_the_shared_sizes():
    used = set()
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("templates/**/*.html"):
            source = template.read_text()
            assert "{% image " not in source, f"{template}: use rendition_tags"
            used |= set(re.findall(r"{% rendition(?:_img)? \S+ \"(\w+)\"", source))
    assert used, "no template names a size"
    assert used <= set(renditions.SPECS)
    assert set(API_RENDITIONS.values()) <= SIZES
    assert set(API_RENDITIONS) == set(renditions.API_RENDITIONS)


def test_unknown_size_name_is_an_error():
    with pytest.raises(KeyError):
        renditions.spec("huge")


# -- generation --------------------------------------------------------------------------


def test_upload_makes_every_size(django_capture_on_commit_callbacks):
    image = upload(django_capture_on_commit_callbacks)
    assert made_for(image) == SIZES


def test_new_focal_point_makes_new_crops(django_capture_on_commit_callbacks):
    image = upload(django_capture_on_commit_callbacks)
    before = Rendition.objects.filter(image=image).count()
    image.focal_point_x, image.focal_point_y = 100, 100
    image.focal_point_width, image.focal_point_height = 50, 50
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    key = Filter(spec=renditions.spec("card")).get_cache_key(image)
    assert Rendition.objects.filter(image=image, focal_point_key=key).exists()
    assert Rendition.objects.filter(image=image).count() > before


def test_publish_makes_sizes_an_upload_missed(thilik, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # an image from before this code
        listing, figure = make_image("Alt"), make_image("Abbildung")
    assert not Rendition.objects.filter(image__in=[listing, figure]).exists()
    thilik.listing_image = listing
    thilik.body = [{"type": "image", "value": {"image": figure.pk, "caption": "Karte"}}]
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    assert made_for(listing) == SIZES
    assert made_for(figure) == SIZES


def test_images_of_finds_foreign_keys_and_stream_images(thilik, volume_1):
    with_pk = [make_image(name) for name in ("Liste", "Sozial", "Figur", "Titel")]
    listing, social, figure, cover = with_pk
    thilik.listing_image, thilik.social_image = listing, social
    thilik.body = [{"type": "image", "value": {"image": figure.pk, "caption": ""}}]
    volume_1.cover_image = cover
    assert renditions.images_of(thilik) == {listing.pk, social.pk, figure.pk}
    assert cover.pk in renditions.images_of(volume_1)


def test_missing_source_file_is_skipped_not_fatal(django_capture_on_commit_callbacks, media):
    broken = upload(django_capture_on_commit_callbacks, "Kaputt")
    Rendition.objects.filter(image=broken).delete()
    Path(broken.file.path).unlink()
    fine = upload(django_capture_on_commit_callbacks, "Heil")
    Rendition.objects.filter(image=fine).delete()
    out = io.StringIO()
    call_command("generate_renditions", "--progress=off", stdout=out)
    assert made_for(fine) == SIZES
    assert not made_for(broken)


# -- serving never makes one -------------------------------------------------------------


def test_pages_and_api_after_upload_and_publish_make_no_rendition(
    anon, thilik, volume_1, django_capture_on_commit_callbacks
):
    photo = upload(django_capture_on_commit_callbacks, "Projektfoto")
    cover = upload(django_capture_on_commit_callbacks, "Titelbild", size=(800, 1200))
    figure = upload(django_capture_on_commit_callbacks, "Abbildung", size=(2000, 1200))
    thilik.listing_image = photo
    thilik.body = [{"type": "image", "value": {"image": figure.pk, "caption": "Karte"}}]
    volume_1.cover_image = cover
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
        volume_1.save_revision().publish()
    count = Rendition.objects.count()

    project = anon.get(thilik.url)
    listing = anon.get(thilik.get_parent().url)
    publication = anon.get(volume_1.url)
    publications = anon.get(volume_1.get_parent().url)
    api = anon.get(f"/api/v1/projects/{thilik.pk}/")
    assert Rendition.objects.count() == count

    # and the sizes were really used
    def rendition_url(image, name):
        return image.get_rendition(renditions.spec(name)).url

    assert rendition_url(photo, "social") in text(project)  # og:image
    assert rendition_url(figure, "figure") in {t["src"] for t in tags(project, "img")}
    assert rendition_url(photo, "card") in {t["src"] for t in tags(listing, "img")}
    assert rendition_url(cover, "cover") in {t["src"] for t in tags(publication, "img")}
    assert rendition_url(cover, "card_cover") in {t["src"] for t in tags(publications, "img")}
    data = api.json()
    for name in renditions.API_RENDITIONS:
        assert data["listing_image"]["renditions"][name]["url"].endswith(rendition_url(photo, name))
    assert Rendition.objects.count() == count


def test_a_cached_page_never_makes_a_rendition(
    anon, thilik, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    photo = upload(django_capture_on_commit_callbacks, "Projektfoto")
    thilik.listing_image = photo
    with django_capture_on_commit_callbacks(execute=True):
        thilik.save_revision().publish()
    first = anon.get(thilik.url)
    Rendition.objects.all().delete()  # even if they were lost, a hit would not notice
    with django_assert_max_num_queries(0):
        hit = anon.get(thilik.url)
    assert hit.content == first.content
    assert not Rendition.objects.exists()


# -- the command -------------------------------------------------------------------------


def test_command_fills_in_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        images = [make_image(f"Bild {n}") for n in range(3)]
    out = io.StringIO()
    call_command("generate_renditions", "--progress=off", stdout=out)
    assert all(made_for(image) == SIZES for image in images)
    assert f"{len(SIZES) * 3} " in out.getvalue()
    again = io.StringIO()
    call_command("generate_renditions", "--progress=off", stdout=again)
    assert " 0 " in again.getvalue()
    assert Rendition.objects.count() == len(SIZES) * 3


def test_command_shows_progress(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        make_image("Fortschritt")
    err = io.StringIO()
    call_command("generate_renditions", "--progress=on", stdout=io.StringIO(), stderr=err)
    assert "\r1/1" in err.getvalue()
    quiet = io.StringIO()
    call_command("generate_renditions", stdout=io.StringIO(), stderr=quiet)  # not a terminal
    assert quiet.getvalue() == ""
