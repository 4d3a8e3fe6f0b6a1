"""ISBN and DOI checks, so broken identifiers never reach citation exports."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_isbn(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def validate_isbn(value: str) -> None:
    digits = normalise_isbn(value)
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        valid = total % 11 == 0
    elif re.fullmatch(r"\d{13}", digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        valid = total % 10 == 0
    else:
        valid = False
    if not valid:
        raise ValidationError(
            _("“%(value)s” is not a valid ISBN-10 or ISBN-13."), params={"value": value}
        )


def validate_doi(value: str) -> None:
    if not DOI_RE.match(value):
        raise ValidationError(
            _("Enter the DOI without a resolver prefix, e.g. 10.1000/xyz123."), code="invalid"
        )
