"""Month-precision dates: projects run "Januar 2021 – Dezember 2022"."""

import datetime

from django.utils import timezone


def first_of_month(value: datetime.date | None) -> datetime.date | None:
    return value.replace(day=1) if value else None


def current_month(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)
