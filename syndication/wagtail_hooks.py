"""Admin for partners: their API keys and webhook subscriptions, and the delivery log.

Both sit in the "Partners" menu and need the model permissions (superusers have them;
Wagtail's default groups do not).
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cms.permissions import ReadOnlyPolicy
from syndication.models import Partner, WebhookDelivery
from syndication.views import DeliveryIndexView, DeliveryInspectView, ResendView


class GeneratedValuePanel(FieldPanel):
    """A read-only generated value (key, secret), shown once it is saved.

    An unsaved object would show a value that is not the one that gets stored.
    """

    def __init__(self, field_name, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None and super().is_shown()


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "globe"
    menu_label = _("Partners")
    list_display = ["name", "contact_email", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email"]
    # A copy would only carry the name over; keys and secrets are generated anew anyway.
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldPanel("contact_email"),
        FieldPanel("is_active"),
        GeneratedValuePanel("api_key"),
        InlinePanel(
            "webhook_subscriptions",
            heading=_("Webhooks"),
            label=_("Webhook"),
            panels=[
                FieldPanel("url"),
                FieldPanel("events"),
                FieldPanel("resources"),
                FieldPanel("locales"),
                FieldPanel("is_active"),
                GeneratedValuePanel("secret"),
            ],
        ),
    ]


register_permission_policy(WebhookDelivery, ReadOnlyPolicy(WebhookDelivery))


class DeliveryFilterSet(WagtailFilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        field_name="subscription__partner",
        queryset=Partner.objects.all(),
    )

    class Meta:
        model = WebhookDelivery
        fields = ["status"]


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "resubmit"
    menu_label = _("Webhook deliveries")
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    filterset_class = DeliveryFilterSet
    form_fields = []
    list_display = [
        "event",
        Column("partner", label=_("Partner"), accessor="subscription.partner"),
        Column("url", label=_("URL"), accessor="subscription.url"),
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
    ]
    inspect_view_fields = [
        "subscription",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "payload",
    ]

    def get_permissions_to_register(self):
        # Only "view" means anything for a log nobody edits.
        return super().get_permissions_to_register().filter(codename="view_webhookdelivery")

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results", "inspect"}
        ] + [path("resend/<int:pk>/", ResendView.as_view(), name="resend")]


class PartnerGroup(ViewSetGroup):
    menu_label = _("Partners")
    menu_icon = "globe"
    menu_order = 900
    items = (
        PartnerViewSet("syndication_partners"),
        WebhookDeliveryViewSet("syndication_webhook_deliveries"),
    )


@hooks.register("register_admin_viewset")
def register_partner_admin():
    return PartnerGroup()
