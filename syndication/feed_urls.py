"""Atom, RSS and JSON feeds (see syndication/feeds.py)."""

urlpatterns: list = []
