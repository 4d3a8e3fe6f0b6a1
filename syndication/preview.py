"""Headless preview: a partner front end fetches an editor's draft with a short-lived token."""

from ninja import Router

router = Router(tags=["preview"])
