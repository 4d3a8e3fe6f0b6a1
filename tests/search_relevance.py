"""Relevance set for site search on the demo content: query → slugs of the right pages.

A query passes at rank k when one of its expected pages is the k-th result. The set mixes
acronyms, names, official keys, inflected forms, compounds and words without umlauts.
"""

GERMAN = [
    ("ThILIK", {"thilik"}),
    ("thilik", {"thilik"}),
    ("Armutsprävention", {"thilik", "ueber-uns"}),
    ("Armutspräventionslinie", {"thilik"}),
    ("Vielfalt", {"vielfalt-leben"}),
    ("Vielfalt leben", {"vielfalt-leben"}),
    ("zukunftsfähige Verwaltung", {"vielfalt-leben"}),
    ("interkulturelle Öffnung Verwaltung", {"vielfalt-leben"}),
    ("interkulturellen", {"vielfalt-leben"}),
    ("Verwaltungen", {"vielfalt-leben"}),
    ("Stefan Huber", {"thilik", "vielfalt-leben"}),
    ("Viviane Vidot", {"vielfalt-leben"}),
    ("16053", {"jena"}),
    ("16051", {"erfurt"}),
    ("Jena", {"jena"}),
    ("Integrationsmanagerin Jena", {"jena"}),
    (
        "Kommunales Integrationsmanagement",
        {"kommunales-integrationsmanagement-band-1", "kommunales-integrationsmanagement-band-2"},
    ),
    ("Steuerungsstrukturen", {"kommunales-integrationsmanagement-band-2"}),
    ("Erfolgsbeispiele", {"kommunales-integrationsmanagement-band-2"}),
    ("rot-rot-grüne Landesregierung", {"kommunales-integrationsmanagement-band-1"}),
    ("Eisenach", {"eisenach"}),
    ("Wartburgkreis", {"wartburgkreis"}),
    ("Kyffhäuserkreis", {"kyffhaeuserkreis"}),
    ("Kyffhauserkreis", {"kyffhaeuserkreis"}),
    ("Sömmerda", {"soemmerda"}),
    ("TMMJV", {"vielfalt-leben"}),
    ("AWO Regionalverband", {"vielfalt-leben"}),
    ("Europäischer Sozialfonds", {"thilik"}),
    ("Impressum", {"impressum"}),
    ("Barrierefreiheit", {"barrierefreiheit"}),
    ("Leichte Sprache", {"leichte-sprache"}),
    ("Datenschutz", {"datenschutz"}),
    ("Integrationspreis", {"ueber-uns"}),
    ("Fachhochschule Erfurt", {"ueber-uns"}),
    ("Beispielinterview", {"beispielinterview-integrationsmanagement"}),
]

ENGLISH = [
    ("ThILIK", {"thilik"}),
    ("poverty prevention", {"thilik"}),
    ("intercultural opening", {"vielfalt-leben"}),
    ("future-proof administration", {"vielfalt-leben"}),
    ("Stefan Huber", {"thilik", "vielfalt-leben"}),
    ("16053", {"jena"}),
    ("Jena", {"jena"}),
    (
        "municipal integration management",
        {"municipal-integration-management-volume-1", "municipal-integration-management-volume-2"},
    ),
    ("steering structures", {"municipal-integration-management-volume-2"}),
    ("Eisenach", {"eisenach"}),
    ("imprint", {"imprint"}),
    ("accessibility statement", {"accessibility"}),
    ("easy-read", {"easy-read"}),
    ("sample interview", {"sample-interview-integration-management"}),
    ("Integration Prize", {"about-us"}),
    ("European Social Fund", {"thilik"}),
]
