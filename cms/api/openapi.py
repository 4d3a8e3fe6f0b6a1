"""The OpenAPI document says what the API really answers: optional keys, problem JSON, 401/429.

django-ninja describes every response as ``application/json``, lists a security scheme as
if it were required and knows nothing of the answers the authentication and throttling
layers give. Partners generate clients from this document and schemathesis fuzzes
against it (tests/test_fuzz_api.py), so it has to match the wire.
"""

from typing import Any

from ninja import NinjaAPI
from wagtail.api.v3.errors import PROBLEM_JSON

from cms.api.schemas import Problem

PROBLEM_REF = f"#/components/schemas/{Problem.__name__}"
# Answers any operation may give besides its own, by the layer that gives them.
KEY_REFUSED = {401: "Unknown or inactive `X-API-Key`."}
THROTTLED = {429: "Over the rate limit; retry after `Retry-After` seconds."}
METHODS = {"get", "head", "post", "put", "patch", "delete", "options"}


def describe_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite ninja's document in place (and return it) to match the actual responses."""
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            # ninja keys responses by int, JSON by string: one kind, so nothing is doubled.
            responses = {str(status): value for status, value in operation["responses"].items()}
            security = operation.get("security")
            extra = dict(THROTTLED)  # the throttle guards every operation
            if security:
                # The key only raises the rate limit; without it the caller is anonymous.
                if {} not in security:
                    security.append({})
                extra.update(KEY_REFUSED)
            for status, description in extra.items():
                responses.setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
                    },
                )
            for status, response in responses.items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
            operation["responses"] = dict(sorted(responses.items()))
    return document


class DescribedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document passes through :func:`describe_errors`."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        describe_errors(document)
        document.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            Problem.__name__, Problem.model_json_schema()
        )
        return document
