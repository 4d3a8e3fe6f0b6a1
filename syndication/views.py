"""Admin views for webhooks: the delivery log and resending a failed delivery."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton, MenuItem

from syndication import webhooks
from syndication.models import WebhookDelivery

RESEND_URL_NAME = "syndication_webhook_deliveries:resend"


def can_resend(user) -> bool:
    """Whoever may manage partners (and so their subscriptions) may resend."""
    return user.has_perm("syndication.view_webhookdelivery") and user.has_perm(
        "syndication.change_partner"
    )


def resend_url(user, delivery: WebhookDelivery) -> str | None:
    if delivery.status == WebhookDelivery.Status.FAILED and can_resend(user):
        return reverse(RESEND_URL_NAME, args=[delivery.pk])
    return None


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("subscription__partner", "event")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := resend_url(self.request.user, instance):
            buttons.append(MenuItem(_("Resend"), url=url, icon_name="resubmit", priority=5))
        return buttons


class DeliveryInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        if url := resend_url(self.request.user, self.object):
            return [HeaderButton(_("Resend"), url=url, icon_name="resubmit")]
        return []

    def get_subscription_display_value(self):
        subscription = self.object.subscription
        return f"{subscription.partner}: {subscription.url}"

    def get_payload_display_value(self):
        return format_html("<pre>{}</pre>", json.dumps(self.object.payload, indent=2))

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "–" if value is None else value


class ResendView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation, POST starts the delivery over with fresh attempts."""

    template_name = "syndication/confirm_resend.html"
    page_title = gettext_lazy("Resend webhook delivery")
    header_icon = "resubmit"
    index_url_name = "syndication_webhook_deliveries:index"
    inspect_url_name = "syndication_webhook_deliveries:inspect"

    def dispatch(self, request, *args, **kwargs):
        if not can_resend(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(
            WebhookDelivery.objects.select_related("subscription__partner", "event"),
            pk=kwargs["pk"],
        )
        if self.object.status != WebhookDelivery.Status.FAILED:
            messages.error(request, _("Only failed deliveries can be resent."))
            return redirect(self.inspect_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(WebhookDelivery._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delivery"] = self.object
        context["cancel_url"] = reverse(self.inspect_url_name, args=[self.object.pk])
        return context

    def post(self, request, *args, **kwargs):
        webhooks.resend(self.object)
        messages.success(
            request,
            _("Delivery %(id)s to %(partner)s will be sent again.")
            % {"id": self.object.pk, "partner": self.object.subscription.partner},
        )
        return redirect(self.index_url_name)
