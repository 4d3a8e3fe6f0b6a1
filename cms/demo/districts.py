"""Thuringia's Landkreise and kreisfreie Städte with their official keys (AGS), for the demo.

Public facts, kept in the project so that ``make run`` works in a clone on its own; the
reference list they come from is ``../shared/data/thueringen-kreise.csv`` (a test keeps the
two alike). ``load_demo_content --districts-csv`` loads another list of the same columns.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

from cms.demo.text import T

# The CSV's spelling of a district's kind → DistrictPage.kind.
KINDS = {"Landkreis": "landkreis", "kreisfreie Stadt": "kreisfreie_stadt"}


@dataclass(frozen=True)
class District:
    ags: str
    name: str
    kind: str  # a DistrictPage.kind
    seat: str = ""
    valid_until: datetime.date | None = None
    population: int | None = None
    population_date: datetime.date | None = None
    population_source: str = ""


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _counted(population: int, date: str, article: str) -> dict:
    """A population figure with its reference date and source (a German Wikipedia article)."""
    return {
        "population": population,
        "population_date": _date(date),
        "population_source": "https://de.wikipedia.org/wiki/" + article,
    }


CITY = KINDS["kreisfreie Stadt"]
RURAL = KINDS["Landkreis"]

# One district a line, as in the reference list.
# fmt: off
DISTRICTS: tuple[District, ...] = (
    District("16051", "Erfurt", CITY),
    District("16052", "Gera", CITY),
    District("16053", "Jena", CITY),
    District("16054", "Suhl", CITY),
    District("16055", "Weimar", CITY),
    # Kreisfrei until 30 June 2021, since then part of the Wartburgkreis; ThILIK names it.
    District("16056", "Eisenach", CITY, valid_until=_date("2021-06-30")),
    District("16061", "Eichsfeld", RURAL, "Heilbad Heiligenstadt", **_counted(103441, "2023-12-31", "Landkreis_Eichsfeld")),
    District("16062", "Nordhausen", RURAL, "Nordhausen"),
    District("16063", "Wartburgkreis", RURAL, "Bad Salzungen", **_counted(154957, "2024-12-31", "Wartburgkreis")),
    District("16064", "Unstrut-Hainich-Kreis", RURAL, "Mühlhausen/Thüringen"),
    District("16065", "Kyffhäuserkreis", RURAL, "Sondershausen", **_counted(73690, "2022-12-31", "Kyffhäuserkreis")),
    District("16066", "Schmalkalden-Meiningen", RURAL, "Meiningen"),
    District("16067", "Gotha", RURAL, "Gotha"),
    District("16068", "Sömmerda", RURAL, "Sömmerda"),
    District("16069", "Hildburghausen", RURAL, "Hildburghausen"),
    District("16070", "Ilm-Kreis", RURAL, "Arnstadt", **_counted(106776, "2022-12-31", "Ilm-Kreis")),
    District("16071", "Weimarer Land", RURAL, "Apolda", **_counted(82892, "2023-12-31", "Landkreis_Weimarer_Land")),
    District("16072", "Sonneberg", RURAL, "Sonneberg"),
    District("16073", "Saalfeld-Rudolstadt", RURAL, "Saalfeld/Saale"),
    District("16074", "Saale-Holzland-Kreis", RURAL, "Eisenberg", **_counted(83234, "2022-12-31", "Saale-Holzland-Kreis")),
    District("16075", "Saale-Orla-Kreis", RURAL, "Schleiz", **_counted(79178, "2022-12-31", "Saale-Orla-Kreis")),
    District("16076", "Greiz", RURAL, "Greiz"),
    District("16077", "Altenburger Land", RURAL, "Altenburg", **_counted(88787, "2022-12-31", "Landkreis_Altenburger_Land")),
)
# fmt: on

# What a district's page says about a change of its status, by AGS.
STATUS_NOTES = {
    "16056": T(
        "Seit dem 1. Juli 2021 gehört Eisenach als Große Kreisstadt zum Wartburgkreis.",
        "Since 1 July 2021 Eisenach has belonged to the Wartburgkreis as a major district town.",
    ),
}


def profile(district: District) -> T:
    """The demo's one-sentence profile of a district, in both languages."""
    name, seat, until = district.name, district.seat, district.valid_until
    if until:
        return T(
            f"{name} war bis zum {until:%d.%m.%Y} eine kreisfreie Stadt in Thüringen.",
            f"{name} was a district-free city in Thuringia until {until:%d %B %Y}.",
        )
    if district.kind == CITY:
        return T(
            f"{name} ist eine kreisfreie Stadt in Thüringen.",
            f"{name} is a district-free city in Thuringia.",
        )
    return T(
        f"Der Landkreis {name} liegt in Thüringen; Kreissitz ist {seat}.",
        f"The rural district of {name} is in Thuringia; its seat is {seat}.",
    )


def read_districts_csv(path: Path) -> list[District]:
    """The districts of a CSV with the reference list's columns
    (``ags,name,kind,seat,valid_until,population,population_date,population_source``)."""
    if not path.is_file():
        raise CommandError(f"District CSV not found: {path}")
    districts = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                districts.append(_district(row))
            except KeyError as exc:
                raise CommandError(f"{path}: no column {exc}") from None
            except ValueError as exc:
                raise CommandError(f"{path}, line {line}: {exc}") from None
    return districts


def _district(row: dict[str, str]) -> District:
    kind = KINDS.get(row["kind"])
    if kind is None:
        raise ValueError(f"unknown district kind {row['kind']!r} for {row['ags']}")
    return District(
        ags=row["ags"],
        name=row["name"],
        kind=kind,
        seat=row["seat"],
        valid_until=_date(row["valid_until"]) if row["valid_until"] else None,
        population=int(row["population"]) if row["population"] else None,
        population_date=_date(row["population_date"]) if row["population_date"] else None,
        population_source=row["population_source"],
    )
