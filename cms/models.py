"""Page plumbing shared by every content type: SEO, social and listing fields."""

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page
from wagtail_headless_preview.models import HeadlessPreviewMixin, get_client_root_url_from_site
from wagtail_headless_preview.settings import headless_preview_settings

from cms.i18n import localized_many


def _page_link(label) -> models.ForeignKey:
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


# Preview mode that opens the draft in the partner front end (wagtail-headless-preview).
PARTNER_PREVIEW_MODE = "partner"


class BasePage(Page, HeadlessPreviewMixin):
    """Every public page: a social image and a listing teaser beside Wagtail's SEO fields.

    Previews come in two modes: the website itself, and, where a front end is configured in
    ``WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]``, the partner front end, which fetches the
    draft from ``/api/v1/preview/`` with a short-lived token. The mixin comes after ``Page``
    so the website preview stays the default ``serve_preview``.
    """

    listing_teaser = models.TextField(
        _("listing teaser"),
        blank=True,
        max_length=400,
        help_text=_("Short text shown in listings and search results. Falls back to the intro."),
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("social media image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared (Open Graph). Falls back to the listing image."),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("social_image"),
            ],
            heading=_("Search engines and social media"),
        ),
        MultiFieldPanel(
            [FieldPanel("listing_teaser"), FieldPanel("listing_image")],
            heading=_("Listings"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("Navigation")),
    ]

    class Meta:
        abstract = True

    def get_teaser(self) -> str:
        return self.listing_teaser or self.search_description or ""

    def get_search_summary(self) -> str:
        """Plain text that search results quote from: the teaser, then the body."""
        parts = [self.get_teaser()]
        for name in ("abstract", "profile", "intro", "lead", "body"):
            value = getattr(self, name, None)
            if value:
                field = self._meta.get_field(name)
                if hasattr(field, "get_searchable_content"):  # StreamField
                    value = " ".join(field.get_searchable_content(value))
                parts.append(str(value))
        return " ".join(strip_tags(part) for part in parts if part)

    def get_jsonld(self, request=None) -> dict | None:
        """schema.org description of the page; page types override this."""
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["institute_name"] = settings.IKPE_NAME
        return context

    # -- preview in the partner front end ----------------------------------------------

    @property
    def preview_modes(self):
        modes = super().preview_modes
        if self.partner_preview_url():
            modes = [*modes, (PARTNER_PREVIEW_MODE, _("Partner front end"))]
        return modes

    def partner_preview_url(self) -> str:
        """The partner front end for this page's site; empty where it has none.

        Only saved pages of types the partner API serves can be previewed there: the
        front end fetches them from the API by content type and token.
        """
        from syndication.registry import resource_for

        if self.pk is None or resource_for(self) is None:
            return ""
        site = self.get_site()
        urls = headless_preview_settings.CLIENT_URLS
        # The package's lookup: the site's hostname, else "default"; checked before it
        # formats the URL, which turns an empty one into "/" with ENFORCE_TRAILING_SLASH.
        if site is None or not urls.get(site.hostname if site.hostname in urls else "default"):
            return ""
        return get_client_root_url_from_site(site)

    def _is_partner_preview(self, mode_name) -> bool:
        # Wagtail passes any ?mode= on; where the mode is not offered, show the website.
        return mode_name == PARTNER_PREVIEW_MODE and bool(self.partner_preview_url())

    def serve_preview(self, request, mode_name):
        if self._is_partner_preview(mode_name):
            return HeadlessPreviewMixin.serve_preview(self, request, mode_name)
        return super().serve_preview(request, mode_name)

    def make_preview_request(
        self, original_request=None, preview_mode=None, extra_request_attrs=None
    ):
        """Serve the partner mode here: page types may override ``serve_preview`` ahead
        of this class (``RoutablePageMixin`` does, for publications) and know nothing of it.
        """
        if not self._is_partner_preview(preview_mode):
            return super().make_preview_request(original_request, preview_mode, extra_request_attrs)
        request = WSGIRequest(self._get_dummy_headers(original_request))
        request.is_dummy = request.is_preview = True
        request.preview_mode = preview_mode
        for name, value in (extra_request_attrs or {}).items():
            setattr(request, name, value)
        response = BasePage.serve_preview(self, request, preview_mode)
        patch_cache_control(response, private=True, no_store=True)
        return response


class SyndicatedSnippet(models.Model):
    """A snippet partners fetch on its own: a stable slug and change timestamps.

    The slug is made from ``slug_source()`` once and then kept, so partners' URLs hold
    when the name is corrected; translations share it.
    """

    slug = models.SlugField(
        _("slug"), max_length=100, blank=True, help_text=_("Used in URLs; filled in automatically.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.slug_source())[:100]
        super().save(*args, **kwargs)

    def slug_source(self) -> str:
        return str(self)


def page_tabs(*tabs: tuple[list, str]) -> TabbedInterface:
    """Editor tabs for a page type: its own (panels, heading) pairs, then SEO and settings."""
    return TabbedInterface(
        [
            *(ObjectList(panels, heading=heading) for panels, heading in tabs),
            ObjectList(BasePage.promote_panels, heading=_("SEO")),
            ObjectList(BasePage.settings_panels, heading=_("Settings")),
        ]
    )


@register_setting(icon="list-ul")
class FooterLinks(BaseSiteSetting):
    """Legal and accessibility pages every page links to; shown in the reader's locale."""

    imprint_page = _page_link(_("Imprint"))
    privacy_page = _page_link(_("Privacy policy"))
    accessibility_page = _page_link(_("Accessibility statement"))
    easy_read_page = _page_link(_("Easy-read German"))
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [
        FieldPanel("imprint_page"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
        FieldPanel("easy_read_page"),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = _("footer links")

    def pages(self) -> list[Page]:
        """The linked pages in the reader's locale, fetched together."""
        ids = [self.imprint_page_id, self.privacy_page_id, self.accessibility_page_id]
        ids.append(self.easy_read_page_id)
        by_id = Page.objects.in_bulk([pk for pk in ids if pk])
        linked = [by_id[pk] for pk in ids if pk in by_id]
        return [page for page in localized_many(linked) if page.live]
