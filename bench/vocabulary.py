"""Aligned German/English building blocks for the synthetic corpus.

Sentences are made from the same template and the same nouns in both languages, so an
English page reads as a translation of its German original and each language's search
finds its own words. Everything is generic; people are fictitious and marked as such,
and interview answers are generated sentences, not anybody's words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Fields of work, as (German, English).
NOUNS = [
    ("Integration", "integration"),
    ("Armutsprävention", "poverty prevention"),
    ("Sozialplanung", "social planning"),
    ("Teilhabe", "participation"),
    ("Bildung", "education"),
    ("Familienförderung", "family support"),
    ("Zuwanderung", "immigration"),
    ("Beratung", "counselling"),
    ("Evaluation", "evaluation"),
    ("Netzwerkarbeit", "networking"),
    ("Quartiersentwicklung", "neighbourhood development"),
    ("Jugendhilfe", "youth welfare"),
    ("Gesundheitsförderung", "health promotion"),
    ("Pflege", "long-term care"),
    ("Wohnen", "housing"),
    ("Arbeitsmarktintegration", "labour market integration"),
    ("Sprachförderung", "language support"),
    ("Ehrenamt", "volunteering"),
    ("Verwaltungssteuerung", "administrative steering"),
    ("Bedarfsanalyse", "needs analysis"),
    ("Kinderarmut", "child poverty"),
    ("Seniorenarbeit", "work with older people"),
    ("Mobilität", "mobility"),
    ("Digitalisierung", "digitalisation"),
    ("interkulturelle Öffnung", "intercultural opening"),
    ("Vielfalt", "diversity"),
    ("Sozialberichterstattung", "social reporting"),
    ("Bürgerbeteiligung", "citizen participation"),
    ("Fachkräftesicherung", "securing skilled workers"),
    ("Frühe Hilfen", "early childhood support"),
    ("Schulsozialarbeit", "school social work"),
    ("Kindertagesbetreuung", "childcare"),
    ("Ganztagsschule", "all-day schooling"),
    ("Berufsorientierung", "career guidance"),
    ("Ausbildungsförderung", "apprenticeship support"),
    ("Erwachsenenbildung", "adult education"),
    ("Alphabetisierung", "literacy"),
    ("Wohnungslosigkeit", "homelessness"),
    ("Schuldnerberatung", "debt counselling"),
    ("Suchtprävention", "addiction prevention"),
    ("Gewaltschutz", "protection against violence"),
    ("Gleichstellung", "equal opportunities"),
    ("Inklusion", "inclusion"),
    ("Barrierefreiheit", "accessibility"),
    ("Eingliederungshilfe", "integration assistance"),
    ("Jugendberufsagentur", "youth employment agency"),
    ("Migrationsberatung", "migration counselling"),
    ("Anerkennung ausländischer Abschlüsse", "recognition of foreign qualifications"),
    ("Dolmetscherdienste", "interpreting services"),
    ("Willkommenskultur", "welcoming culture"),
    ("Gemeinwesenarbeit", "community work"),
    ("Stadtteilmanagement", "district management"),
    ("Dorfentwicklung", "village development"),
    ("Nahversorgung", "local services"),
    ("öffentlicher Nahverkehr", "public transport"),
    ("Breitbandausbau", "broadband expansion"),
    ("Klimaanpassung", "climate adaptation"),
    ("Energiearmut", "energy poverty"),
    ("Demografie", "demography"),
    ("Haushaltsplanung", "budget planning"),
    ("Fördermittelmanagement", "grant management"),
    ("Datenschutz", "data protection"),
    ("Open Data", "open data"),
    ("Sozialraumanalyse", "social space analysis"),
    ("Wirkungsmessung", "impact measurement"),
    ("Qualitätsentwicklung", "quality development"),
    ("Fachkräftegewinnung", "recruitment of specialists"),
    ("Pflegeplanung", "care planning"),
    ("Hospizarbeit", "hospice work"),
    ("Einsamkeit im Alter", "loneliness in old age"),
    ("Jugendbeteiligung", "youth participation"),
    ("Kinderschutz", "child protection"),
    ("Elternarbeit", "work with parents"),
    ("Sportförderung", "sports promotion"),
    ("Kulturarbeit", "cultural work"),
    ("Integrationskurse", "integration courses"),
    ("Asylverfahren", "asylum procedures"),
    ("Unterbringung Geflüchteter", "housing refugees"),
    ("Landesaufnahmeprogramm", "state admission programme"),
]

SENTENCES = [
    (
        "Im Mittelpunkt stehen {a} und {b} in {place}.",
        "The focus is on {a} and {b} in {place}.",
    ),
    (
        "Die Verwaltung in {place} entwickelt gemeinsam mit freien Trägern Strategien für {a}.",
        "The administration in {place} develops strategies for {a} together with independent providers.",
    ),
    (
        "Eine Bedarfsanalyse zeigt, wo {a} und {b} noch zu wenig aufeinander abgestimmt sind.",
        "A needs analysis shows where {a} and {b} are not yet sufficiently coordinated.",
    ),
    (
        "Fachbereiche, Jobcenter und Vereine treffen sich regelmäßig zum Thema {a}.",
        "Departments, job centres and associations meet regularly on {a}.",
    ),
    (
        "Kennzahlen zu {a} werden jährlich fortgeschrieben und im Kreistag vorgestellt.",
        "Indicators on {a} are updated every year and presented to the district council.",
    ),
    (
        "Das Konzept verbindet {a} mit {b} und benennt klare Zuständigkeiten.",
        "The concept links {a} with {b} and sets out clear responsibilities.",
    ),
    (
        "Workshops mit Beschäftigten aus {place} machen Erfahrungen mit {a} sichtbar.",
        "Workshops with staff from {place} make experience with {a} visible.",
    ),
    (
        "Die Ergebnisse fließen in die Planung für {b} der kommenden Jahre ein.",
        "The results feed into the planning for {b} in the coming years.",
    ),
    (
        "Eine Befragung von Haushalten liefert Daten zu {a} im ländlichen Raum.",
        "A household survey provides data on {a} in rural areas.",
    ),
    (
        "Gute Beispiele aus {place} werden für andere Kommunen aufbereitet.",
        "Good examples from {place} are prepared for other municipalities.",
    ),
    (
        "Dabei zeigt sich, dass {a} ohne verlässliche Finanzierung kaum gelingt.",
        "It becomes clear that {a} hardly succeeds without reliable funding.",
    ),
    (
        "Ein Monitoring begleitet {a} und {b} über die gesamte Laufzeit.",
        "A monitoring process accompanies {a} and {b} throughout the term.",
    ),
]

QUESTIONS = [
    (
        "Wie hat sich {a} in {place} in den letzten Jahren entwickelt?",
        "How has {a} developed in {place} in recent years?",
    ),
    (
        "Welche Rolle spielt {a} in Ihrer täglichen Arbeit?",
        "What role does {a} play in your daily work?",
    ),
    ("Wo sehen Sie die größten Hürden bei {a}?", "Where do you see the biggest hurdles for {a}?"),
    (
        "Wie arbeiten Verwaltung und Träger bei {a} zusammen?",
        "How do the administration and providers cooperate on {a}?",
    ),
    ("Was hat die Bedarfsanalyse zu {b} ergeben?", "What did the needs analysis on {b} show?"),
    ("Welche Daten nutzen Sie für die Planung von {a}?", "Which data do you use to plan {a}?"),
    (
        "Was würden Sie anderen Kommunen zu {b} raten?",
        "What would you advise other municipalities about {b}?",
    ),
    (
        "Wie geht es mit {a} nach dem Ende der Förderung weiter?",
        "What happens to {a} after the funding ends?",
    ),
]

TITLES = [
    ("{A} in {place}", "{A} in {place}"),
    ("{A} und {b}: Bestandsaufnahme für {place}", "{A} and {b}: a review for {place}"),
    ("Kommunale Strategie für {a}", "A municipal strategy for {a}"),
    ("Monitoring {a} {year}", "Monitoring {a} {year}"),
    ("Handlungsempfehlungen zu {a} und {b}", "Recommendations on {a} and {b}"),
    ("{A} im ländlichen Raum", "{A} in rural areas"),
]

SUBTITLES = [
    ("Ein Bericht über {a} in {place}", "A report on {a} in {place}"),
    ("Ergebnisse zu {a} und {b}", "Findings on {a} and {b}"),
    ("Arbeitshilfe für {a}", "A practical guide to {a}"),
]
PROGRAMMES = [
    ("Förderlinie {A}", "Funding line for {a}"),
    ("Landesprogramm {A}", "State programme for {a}"),
]
HEADINGS = [
    ("Ausgangslage", "Background"),
    ("Vorgehen", "Approach"),
    ("Ergebnisse", "Results"),
    ("Ausblick", "Outlook"),
]
GIVEN_NAMES = [
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ida", "Jonas",
    "Katrin", "Lukas", "Marie", "Nils", "Olga", "Paul", "Rana", "Sven", "Tina", "Uwe",
]  # fmt: skip
FAMILY_NAMES = [
    "Albrecht", "Bauer", "Christ", "Dietrich", "Engel", "Fuchs", "Graf", "Hahn", "Jung",
    "Keller", "Lorenz", "Mayer", "Naumann", "Otto", "Pohl", "Roth", "Seidel", "Thiel",
    "Vogel", "Winkler",
]  # fmt: skip
ROLES = [
    ("Projektleitung", "Project lead"),
    ("Wissenschaftliche Mitarbeit", "Research associate"),
    ("Sozialplanung", "Social planning"),
    ("Integrationsmanagement", "Integration management"),
    ("Redaktion", "Editorial team"),
]
ORGANISATION_KINDS = [
    ("Landratsamt {place}", "{place} district administration", "administration"),
    ("Stadtverwaltung {place}", "{place} city administration", "administration"),
    ("Verein für {a} {place}", "{place} association for {a}", "association"),
    ("Forschungsverbund {A}", "Research network on {a}", "research"),
    ("Förderprogramm {A}", "Funding programme for {a}", "fund"),
]
SERIES = [
    ("Arbeitspapiere zu {a}", "Working papers on {a}"),
    ("Berichte aus der Planungspraxis: {A}", "Reports from planning practice: {a}"),
]
TOPICS = [
    ("Bildung und Teilhabe", "Education and participation", "bildung-und-teilhabe"),
    ("Familie", "Family", "familie"),
    ("Gesundheit und Pflege", "Health and care", "gesundheit-und-pflege"),
    ("Wohnen und Quartier", "Housing and neighbourhoods", "wohnen-und-quartier"),
    ("Arbeit und Fachkräfte", "Work and skilled labour", "arbeit-und-fachkraefte"),
    ("Ehrenamt", "Volunteering", "ehrenamt"),
    ("Digitale Verwaltung", "Digital administration", "digitale-verwaltung"),
    ("Jugend", "Youth", "jugend"),
]
SYNTHETIC = ("synthetisch", "synthetic")
FICTITIOUS = "(fiktiv)"


@dataclass(frozen=True)
class Pair:
    """The same text in German and English."""

    de: str
    en: str


class Writer:
    """Deterministic text from a seeded generator; every call returns a Pair.

    Each document has a theme of a few fields of work that most of its sentences are
    about, as real pages are; so a query word matches some pages, not nearly all.
    """

    THEME_SIZE = 3
    ON_THEME = 0.85

    def __init__(self, rng: random.Random, places: list[str]) -> None:
        self.rng = rng
        self.places = places
        self.theme = NOUNS
        self.home = places

    def start_document(self) -> None:
        """Pick the next document's theme and its one or two places."""
        self.theme = self.rng.sample(NOUNS, self.THEME_SIZE)
        self.home = self.rng.sample(self.places, 2)

    def _noun(self) -> tuple[str, str]:
        pool = self.theme if self.rng.random() < self.ON_THEME else NOUNS
        return self.rng.choice(pool)

    def _slots(self) -> tuple[dict, dict]:
        (a_de, a_en), (b_de, b_en) = self._noun(), self._noun()
        place = self.rng.choice(self.home if self.rng.random() < self.ON_THEME else self.places)
        year = str(self.rng.randint(2012, 2026))
        de = {"a": a_de, "b": b_de, "A": a_de[0].upper() + a_de[1:], "place": place, "year": year}
        en = {"a": a_en, "b": b_en, "A": a_en[0].upper() + a_en[1:], "place": place, "year": year}
        return de, en

    def fill(self, templates: list[tuple[str, str]]) -> Pair:
        de_template, en_template = self.rng.choice(templates)
        de, en = self._slots()
        return Pair(de_template.format(**de), en_template.format(**en))

    def sentences(self, count: int) -> Pair:
        parts = [self.fill(SENTENCES) for _ in range(count)]
        return Pair(" ".join(p.de for p in parts), " ".join(p.en for p in parts))

    def paragraphs(self, count: int, sentences: tuple[int, int] = (2, 4)) -> list[Pair]:
        return [self.sentences(self.rng.randint(*sentences)) for _ in range(count)]

    def title(self, number: int) -> Pair:
        base = self.fill(TITLES)
        return Pair(
            f"{base.de} [{SYNTHETIC[0]} #{number}]", f"{base.en} [{SYNTHETIC[1]} #{number}]"
        )

    def question(self) -> Pair:
        return self.fill(QUESTIONS)

    def subtitle(self) -> Pair:
        return self.fill(SUBTITLES)

    def programme(self) -> Pair:
        return self.fill(PROGRAMMES)

    def heading(self) -> Pair:
        return Pair(*self.rng.choice(HEADINGS))
