"""Headless preview: a partner front end fetches an editor's draft with a short-lived token.

The "Partner front end" preview mode (``cms.models.BasePage``) stores the draft as a
``PagePreview`` and opens the front end with ``?content_type=<app.model>&token=<token>``;
the front end passes both on to ``GET /api/v1/preview/`` and gets the draft in the shape
of the resource's detail endpoint.

The token is the only credential, so the endpoint needs no API key: Django's
``TimestampSigner`` signs it with the secret key, it is refused after
``settings.HEADLESS_PREVIEW_MAX_AGE`` seconds, and it opens only the preview it was made
for, of the content type it was made for. Answers are never cached, here or anywhere.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from ninja import Query, Router
from pydantic import Field
from wagtail.api.v3.errors import problem_response
from wagtail_headless_preview.models import PagePreview

from cms.api.resources import Resource, reject_unknown_params
from cms.api.schemas import Problem, Schema
from cms.api.serialize import Batch
from districts.api import DistrictDetail
from districts.api import resource as district_resource
from projects.api import ProjectDetail
from projects.api import resource as project_resource
from publications.api import Interview, PublicationDetail
from publications.api import resources as publication_resources
from syndication.registry import resources

router = Router(tags=["preview"])

# Drafts of these resources can be previewed: the page types the API has detail schemas for.
PREVIEWABLE = [project_resource, *publication_resources, district_resource]


class PreviewParams(Schema):
    """The two parameters the preview URL in the partner front end carries, passed on as is."""

    content_type: str = Field(
        max_length=100,
        description="`app_label.model` of the page, e.g. `projects.projectpage`.",
    )
    token: str = Field(max_length=255, description="Preview token from Wagtail.")


def previewable_resources() -> dict[str, Resource]:
    """Content type string (as the preview URL names it) → resource, for page resources."""
    return {
        resource.model.get_content_type_str(): resource
        for resource in PREVIEWABLE
        if resource.is_page
    }


def _private(response: HttpResponse) -> HttpResponse:
    """A draft must stay between the editor and the front end: no cache may keep it."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def _refuse(status: int, param: str, message: str) -> HttpResponse:
    return _private(
        problem_response(
            status=status, detail=message, errors=[{"loc": ["query", param], "msg": message}]
        )
    )


@router.get(
    "/",
    auth=None,
    response={
        200: ProjectDetail | PublicationDetail | Interview | DistrictDetail,
        400: Problem,
        403: Problem,
        404: Problem,
        422: Problem,
    },
    url_name="preview",
    summary="A draft, for the partner front end's preview",
    description=(
        "Wagtail opens the partner front end with `content_type` and `token` when an editor "
        "previews a page there; pass both on to get the draft in the shape of the resource's "
        "detail endpoint. Tokens expire after "
        f"{settings.HEADLESS_PREVIEW_MAX_AGE // 60} minutes (`403`); no API key needed. "
        "Answers are `Cache-Control: private, no-store`."
    ),
)
def preview(request: HttpRequest, params: Query[PreviewParams]):
    reject_unknown_params(request, PreviewParams)
    resource = previewable_resources().get(params.content_type)
    if resource is None:
        return _refuse(400, "content_type", f"No preview for content type “{params.content_type}”.")
    try:
        resource.model.get_preview_signer().unsign(
            params.token, max_age=settings.HEADLESS_PREVIEW_MAX_AGE
        )
    except SignatureExpired:
        return _refuse(403, "token", "The preview token has expired; preview the page again.")
    except BadSignature:
        return _refuse(403, "token", "Invalid preview token.")
    stored = PagePreview.objects.filter(
        content_type=ContentType.objects.get_for_model(resource.model), token=params.token
    ).first()
    if stored is None:
        return _refuse(404, "token", "No preview of this content type for this token.")

    # An unsaved page with its child relations in memory (modelcluster): the serialisers'
    # ``.all()`` read those, and related rows load one by one, which is fine for one page.
    page = stored.as_page()
    batch = Batch(request, page.locale, resources())
    serialize = resource.serialize_detail or resource.serialize
    schema = resource.detail_schema or resource.schema
    data = schema.model_validate(batch.resolve(serialize(page, batch)))
    return _private(HttpResponse(data.model_dump_json(), content_type="application/json"))
