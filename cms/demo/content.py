"""Facts from ../shared/seeds and ../shared/data, as demo content.

Nothing here is invented about real people or institutions: unknown facts are marked as
placeholders, and the one interview is sample content with fictitious people.
"""

import datetime

from cms.demo.text import T

PLACEHOLDER = T(
    "[Platzhalter: Diese Angabe liegt noch nicht vor und wird von der Redaktion ergänzt.]",
    "[Placeholder: this information is not yet available and will be added by the editors.]",
)

TOPICS = {
    "integration": (T("Migration und Integration", "Migration and integration"),),
    "armutspraevention": (T("Armutsprävention", "Poverty prevention"),),
    "interkulturelle-oeffnung": (T("Interkulturelle Öffnung", "Intercultural opening"),),
    "sozialplanung": (T("Sozialplanung", "Social planning"),),
}

PEOPLE = {
    "huber": {
        "academic_title": "Dr.",
        "given_name": "Stefan",
        "family_name": "Huber",
        "role": T("Projektleitung", "Project lead"),
    },
    "vidot": {
        "academic_title": "Dr.",
        "given_name": "Viviane",
        "family_name": "Vidot",
        "role": T(
            "Ansprechpartnerin „Vielfalt leben“ bis 05/2022",
            "Contact for “Vielfalt leben” until 05/2022",
        ),
    },
    "sample_interviewee": {
        "academic_title": "",
        "given_name": "Mara",
        "family_name": "Muster (fiktiv)",
        "role": T("Integrationsmanagerin (Beispielperson)", "Integration manager (sample person)"),
    },
    "sample_interviewer": {
        "academic_title": "",
        "given_name": "Jonas",
        "family_name": "Beispiel (fiktiv)",
        "role": T("Redaktion (Beispielperson)", "Editorial team (sample person)"),
    },
}

ORGANISATIONS = {
    "ikpe": {
        "name": T(
            "Institut für kommunale Planung und Entwicklung e.V.",
            "Institute for Municipal Planning and Development",
        ),
        "short_name": "IKPE",
        "kind": "research",
    },
    "tmmjv": {
        "name": T(
            "Thüringer Ministerium für Migration, Justiz und Verbraucherschutz",
            "Thuringian Ministry for Migration, Justice and Consumer Protection",
        ),
        "short_name": "TMMJV",
        "kind": "ministry",
    },
    "thueringen": {
        "name": T("Freistaat Thüringen", "Free State of Thuringia"),
        "short_name": "",
        "kind": "ministry",
    },
    "esf": {
        "name": T("Europäischer Sozialfonds", "European Social Fund"),
        "short_name": "ESF",
        "kind": "fund",
    },
    "tzio": {
        "name": T(
            "Thüringer Zentrum für Interkulturelle Öffnung",
            "Thuringian Centre for Intercultural Opening",
        ),
        "short_name": "",
        "kind": "association",
    },
    "awo": {
        "name": T(
            "AWO Regionalverband Mitte-West-Thüringen, Fachstelle Interkulturelle Öffnung",
            "AWO regional association Mitte-West-Thüringen, Office for Intercultural Opening",
        ),
        "short_name": "AWO",
        "kind": "association",
    },
    "fh_erfurt": {
        "name": T("Fachhochschule Erfurt", "Erfurt University of Applied Sciences"),
        "short_name": "FH Erfurt",
        "kind": "research",
    },
    "sample_administration": {
        "name": T("Beispiel-Landratsamt (fiktiv)", "Sample district administration (fictitious)"),
        "short_name": "",
        "kind": "administration",
    },
}

SERIES = {
    "kim": {
        "title": T(
            "Kommunales Integrationsmanagement in Thüringen",
            "Municipal integration management in Thuringia",
        ),
        "description": T(
            "Reihe des IKPE zum kommunalen Integrationsmanagement der Thüringer Landkreise und kreisfreien Städte.",
            "IKPE series on the integration management of Thuringia's rural districts and district-free cities.",
        ),
    },
}

HOME = {
    "title": T(
        "Institut für kommunale Planung und Entwicklung",
        "Institute for Municipal Planning and Development",
    ),
    "intro": (
        T(
            "Das Institut für kommunale Planung und Entwicklung e.V. (IKPE) in Erfurt berät die Thüringer Landkreise und kreisfreien Städte in der Sozial- und Integrationsplanung.",
            "The Institute for Municipal Planning and Development (IKPE) in Erfurt advises Thuringia's rural districts and district-free cities on social and integration planning.",
        ),
    ),
}

INDEXES = {
    "projects": {
        "slug": T("projekte", "projects"),
        "title": T("Projekte", "Projects"),
        "intro": T(
            "Projekte des IKPE in der Armutsprävention, der Integration und der interkulturellen Öffnung von Verwaltungen.",
            "IKPE projects in poverty prevention, integration and the intercultural opening of public administrations.",
        ),
    },
    "publications": {
        "slug": T("publikationen", "publications"),
        "title": T("Publikationen", "Publications"),
        "intro": T(
            "Berichte, Broschüren und Interviews aus der Arbeit des IKPE.",
            "Reports, brochures and interviews from the work of IKPE.",
        ),
    },
    "districts": {
        "slug": T("landkreise-und-staedte", "districts-and-cities"),
        "title": T("Landkreise und kreisfreie Städte", "Rural districts and district-free cities"),
        "intro": T(
            "Seit dem 1. Juli 2021 hat Thüringen 17 Landkreise und 5 kreisfreie Städte. Eisenach war bis zum 30. Juni 2021 kreisfrei.",
            "Since 1 July 2021 Thuringia has 17 rural districts and 5 district-free cities. Eisenach was a district-free city until 30 June 2021.",
        ),
    },
}

THILIK = {
    "slug": T("thilik", "thilik"),
    "title": T(
        "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen",
        "Thuringian Initiative for Local Integration Management in the Municipalities",
    ),
    "acronym": "ThILIK",
    "start_date": datetime.date(2016, 1, 1),
    "end_date": datetime.date(2022, 12, 1),
    "dates_precision": "year",
    "teaser": T(
        "Mit ThILIK erhielten die Thüringer Gebietskörperschaften seit 2016 die Möglichkeit, nachhaltige Strukturen für ihre kommunale Integrationspolitik aufzubauen.",
        "Since 2016, ThILIK has enabled Thuringia's local authorities to build lasting structures for their municipal integration policy.",
    ),
    "body": (
        T(
            "Kommunen sind der Ort, an dem die Integration von (Neu-)Zugewanderten stattfindet und eine gleichberechtigte Teilhabe in allen Lebensbereichen gestaltet werden kann.",
            "Municipalities are where the integration of (newly arrived) immigrants takes place and where equal participation in all areas of life can be shaped.",
        ),
        T(
            "Das Land Thüringen fördert im Rahmen der ESF-Armutspräventionslinie den Aufbau planerischer Strukturen im Bereich Sozial- und Integrationspolitik auf kommunaler Ebene.",
            "Within the ESF poverty-prevention line, the Free State of Thuringia funds the development of planning structures for social and integration policy at municipal level.",
        ),
        T(
            "In enger Verzahnung mit Planungskoordinator*innen und Quartiersmanager*innen, die alle armutsgefährdeten Personengruppen auf lokaler Ebene in den Blick nehmen, wurde mit der „Thüringer Initiative für lokales Integrationsmanagement in den Kommunen“ (kurz: ThILIK) im Jahr 2016 ein zusätzlicher Programmbaustein geschaffen, um den Anforderungen zunehmender Zuwanderung und der Koordinierung von Integrationsbemühungen gerecht zu werden.",
            "Closely linked with planning coordinators and neighbourhood managers, who look after all groups at risk of poverty at local level, the “Thuringian Initiative for Local Integration Management in the Municipalities” (ThILIK for short) was created in 2016 as an additional programme component to meet the demands of growing immigration and of coordinating integration efforts.",
        ),
        T(
            "In dessen Rahmen erhielten die Gebietskörperschaften in Thüringen die Möglichkeit, nachhaltige Strukturen für ihre kommunale Integrationspolitik aufzubauen bzw. diese weiter zu entwickeln.",
            "Within this framework, Thuringia's local authorities were able to build or further develop lasting structures for their municipal integration policy.",
        ),
    ),
    "topics": ["integration", "armutspraevention", "sozialplanung"],
    "people": [{"person": "huber", "role": "lead"}],
    "organisations": [
        {
            "organisation": "thueringen",
            "role": "funder",
            "programme": T("ESF-Armutspräventionslinie", "ESF poverty-prevention line"),
        },
        {
            "organisation": "esf",
            "role": "funder",
            "programme": T("ESF-Armutspräventionslinie", "ESF poverty-prevention line"),
        },
    ],
    "districts_as_of": datetime.date(2022, 5, 1),
    "districts": [
        "16077",  # Altenburger Land
        "16051",  # Erfurt
        "16056",  # Eisenach
        "16052",  # Gera
        "16053",  # Jena
        "16065",  # Kyffhäuserkreis
        "16062",  # Nordhausen
        "16066",  # Schmalkalden-Meiningen
        "16068",  # Sömmerda
        "16073",  # Saalfeld-Rudolstadt
        "16075",  # Saale-Orla-Kreis
        "16063",  # Wartburgkreis
    ],
}

VIELFALT = {
    "slug": T("vielfalt-leben", "vielfalt-leben"),
    "title": T(
        "Vielfalt leben. Für eine zukunftsfähige Verwaltung",
        "Vielfalt leben (Living diversity). For a future-proof administration",
    ),
    "acronym": "",
    "start_date": datetime.date(2021, 1, 1),
    "end_date": datetime.date(2022, 12, 1),
    "dates_precision": "month",
    "teaser": T(
        "Wir begleiten Verwaltungen auf ihrem Weg zur interkulturellen Öffnung.",
        "We accompany public administrations on their way to intercultural opening.",
    ),
    "body": (
        T(
            "Das Projekt „Vielfalt leben. Für eine zukunftsfähige Verwaltung“ wird von den drei Projektpartner*innen Thüringer Zentrum für Interkulturelle Öffnung, AWO Regionalverband Mitte-West-Thüringen mit der Fachstelle Interkulturelle Öffnung und dem Institut für Kommunale Planung und Entwicklung e.V. durchgeführt.",
            "The project “Vielfalt leben. Für eine zukunftsfähige Verwaltung” is carried out by three partners: the Thuringian Centre for Intercultural Opening, the AWO regional association Mitte-West-Thüringen with its Office for Intercultural Opening, and the Institute for Municipal Planning and Development.",
        ),
        T(
            "Gefördert wird „Vielfalt leben.“ durch das Thüringer Ministerium für Migration, Justiz und Verbraucherschutz (TMMJV).",
            "“Vielfalt leben.” is funded by the Thuringian Ministry for Migration, Justice and Consumer Protection (TMMJV).",
        ),
        T(
            "Die Diversität innerhalb der Mitarbeiter*innen ebenso wie die Vielfalt der Bevölkerung bieten Potenziale zur gemeinsamen Gestaltung zukünftiger lokaler Herausforderungen.",
            "The diversity of staff as well as of the population offers potential for jointly shaping future local challenges.",
        ),
        T(
            "Maßnahmen der Organisations- und Personalentwicklung, mit dem Fokus auf interkulturelle Öffnung und Diversity Management, begleitet durch Evaluation, sollen im Projekt entwickelt, deren Übertragbarkeit auf andere öffentliche Verwaltungen in Thüringen geprüft und öffentlichkeitswirksam multipliziert werden.",
            "Measures of organisational and staff development focusing on intercultural opening and diversity management, accompanied by evaluation, are to be developed in the project, tested for transferability to other public administrations in Thuringia, and disseminated publicly.",
        ),
    ),
    "topics": ["interkulturelle-oeffnung", "integration"],
    "people": [
        {"person": "huber", "role": "contact", "valid_from": datetime.date(2022, 6, 1)},
        {"person": "vidot", "role": "contact", "valid_until": datetime.date(2022, 5, 31)},
    ],
    "organisations": [
        {"organisation": "tzio", "role": "partner", "programme": None},
        {"organisation": "awo", "role": "partner", "programme": None},
        {"organisation": "ikpe", "role": "partner", "programme": None},
        {"organisation": "tmmjv", "role": "funder", "programme": None},
    ],
    "districts_as_of": None,
    "districts": [],
}

PROJECTS = [THILIK, VIELFALT]

QUESTIONS = (
    T(
        "Wie hat sich das Handlungsfeld „Migration und Integration“ in Thüringen in den vergangenen Jahren entwickelt?",
        "How has the field of “migration and integration” developed in Thuringia in recent years?",
    ),
    T(
        "Welche Maßnahmen hat die rot-rot-grüne Landesregierung ergriffen, um den zunehmenden Wandel aktiv gestalten zu können, und welche Rolle spielen dabei die Kommunen?",
        "Which measures has the red-red-green state government taken to actively shape the growing change, and what role do the municipalities play in it?",
    ),
    T(
        "Was können die Thüringer Landkreise und kreisfreien Städte konkret dazu beitragen, damit die Integration vor Ort gelingt?",
        "What can Thuringia's rural districts and district-free cities do in concrete terms to make integration succeed locally?",
    ),
)

PUBLICATION_VOLUME_1 = {
    "slug": T(
        "kommunales-integrationsmanagement-band-1", "municipal-integration-management-volume-1"
    ),
    "title": T(
        "Kommunales Integrationsmanagement in Thüringen",
        "Municipal integration management in Thuringia",
    ),
    "subtitle": T("", ""),
    "publication_date": datetime.date(2019, 10, 21),
    "kind": "report",
    "series": "kim",
    "volume": 1,
    "abstract": (
        T(
            "In den Städten und Gemeinden finden die alltäglichen Begegnungen von alteingesessenen und zugewanderten Menschen statt. Die lokale Ebene ist demnach der Ort, an dem die Chancen und Erfolge gelungener Integration oder auch Barrieren und Folgen einer misslungenen Integration von Zugewanderten unmittelbar spürbar werden.",
            "Everyday encounters between long-established residents and immigrants take place in towns and municipalities. The local level is therefore where the opportunities and successes of integration, as well as the barriers and consequences of failed integration, are felt directly.",
        ),
        T(
            "Soll die Integration gelingen, muss sie aktiv gestaltet werden in allen Facetten des täglichen Lebens (Kindergarten, Schule, Betrieb, Freizeit etc.). Integrationsbemühungen sollten dabei nicht nur auf die Zugewanderten abzielen, sondern auch stets die Aufnahmegesellschaft einbeziehen, um Barrieren abbauen und gegenseitige Anerkennung stärken zu können.",
            "For integration to succeed, it must be actively shaped in every facet of daily life (nursery, school, work, leisure, etc.). Integration efforts should target not only immigrants but always involve the receiving society, so that barriers can be removed and mutual recognition strengthened.",
        ),
        T(
            "Dafür wurde auf die Erfahrungen und Ergebnisse aus der langjährigen Beratung, Begleitung, Vernetzung und Qualifizierung von 15 Integrationsmanager*innen aus den Landkreisen und kreisfreien Städten Thüringens durch das IKPE zurückgegriffen, die über das Programm „Thüringer Initiative für lokales Integrationsmanagement in den Kommunen“ (ThILIK) finanziert werden. Zudem kommen zentrale Akteure aus den Ministerien und Kommunalverwaltungen zu Wort, die auf dem Weg dorthin maßgeblich beteiligt waren oder sind.",
            "It draws on the experience and results of many years in which IKPE advised, accompanied, networked and trained 15 integration managers from Thuringia's rural districts and district-free cities, funded by the programme “Thuringian Initiative for Local Integration Management in the Municipalities” (ThILIK). Key actors from ministries and municipal administrations who were or are instrumental along the way also have their say.",
        ),
        T(
            "Diese erste Publikation bildet den Auftakt für eine geplante Reihe mit dem Titel „Kommunales Integrationsmanagement in Thüringen“.",
            "This first publication opens a planned series entitled “Municipal integration management in Thuringia”.",
        ),
    ),
    "questions": QUESTIONS,
    "topics": ["integration"],
    "projects": [THILIK],
}

PUBLICATION_VOLUME_2 = {
    "slug": T(
        "kommunales-integrationsmanagement-band-2", "municipal-integration-management-volume-2"
    ),
    "title": T(
        "Kommunales Integrationsmanagement in Thüringen",
        "Municipal integration management in Thuringia",
    ),
    "subtitle": T(
        "Innovative Steuerungsstrukturen und Erfolgsbeispiele",
        "Innovative steering structures and examples of success",
    ),
    "publication_date": datetime.date(2019, 12, 2),
    "kind": "report",
    "series": "kim",
    "volume": 2,
    "abstract": (
        T(
            "Der zweite Band der Reihe „Kommunales Integrationsmanagement in Thüringen“ befasst sich mit innovativen Steuerungsstrukturen und Erfolgsbeispielen.",
            "The second volume of the series “Municipal integration management in Thuringia” deals with innovative steering structures and examples of success.",
        ),
    ),
    "questions": (),
    "topics": ["integration"],
    "projects": [THILIK],
}

PUBLICATIONS = [PUBLICATION_VOLUME_1, PUBLICATION_VOLUME_2]

SAMPLE_INTERVIEW = {
    "slug": T(
        "beispielinterview-integrationsmanagement", "sample-interview-integration-management"
    ),
    "title": T(
        "Beispielinterview: Integrationsmanagement in einer Kreisverwaltung",
        "Sample interview: integration management in a district administration",
    ),
    "interview_date": datetime.date(2022, 3, 15),
    "lead": T(
        "Beispielinhalt: Dieses Interview zeigt, wie Interviews auf der Website dargestellt werden. Personen und Aussagen sind frei erfunden.",
        "Sample content: this interview shows how interviews are presented on the website. People and statements are fictitious.",
    ),
    "qa": (
        (
            T(
                "Was ist Ihre Aufgabe als Integrationsmanagerin?",
                "What is your job as an integration manager?",
            ),
            T(
                "Beispielantwort: Ich koordiniere die Angebote verschiedener Träger und bringe Verwaltung und Zivilgesellschaft an einen Tisch.",
                "Sample answer: I coordinate the services of different providers and bring the administration and civil society together.",
            ),
        ),
        (
            T(
                "Was hat sich seit Beginn Ihrer Arbeit verändert?",
                "What has changed since you started?",
            ),
            T(
                "Beispielantwort: Es gibt heute feste Abstimmungsrunden zwischen den Fachbereichen.",
                "Sample answer: there are now regular coordination meetings between the departments.",
            ),
        ),
    ),
}

STANDARD_PAGES = [
    {
        "key": "about",
        "slug": T("ueber-uns", "about-us"),
        "title": T("Über uns", "About us"),
        "show_in_menus": True,
        "intro": T(
            "Das IKPE wurde 2014 vom Thüringer Sozialministerium, der Fachhochschule Erfurt und den Thüringer Landkreisen und kreisfreien Städten im Rahmen des ESF-Operationellen Programms gegründet.",
            "IKPE was founded in 2014 by the Thuringian social ministry, Erfurt University of Applied Sciences and Thuringia's rural districts and district-free cities within the ESF operational programme.",
        ),
        "body": (
            T(
                "Seit dem 12. Februar 2020 ist das IKPE An-Institut der Fachhochschule Erfurt.",
                "Since 12 February 2020 IKPE has been an affiliated institute of Erfurt University of Applied Sciences.",
            ),
            T(
                "Arbeitsfelder: Armutsprävention (ESF-Armutspräventionsrichtlinie: Bedarfsanalysen, Strategieberatung, Qualifizierung), Integration, Familienpolitik, Evaluation und quantitative Sozialforschung.",
                "Fields of work: poverty prevention (ESF poverty-prevention guideline: needs analyses, strategy advice, training), integration, family policy, evaluation and quantitative social research.",
            ),
            T(
                "Die Arbeitsgruppe „Kommunales Integrationsmanagement in Thüringen“ (ThILIK) wurde mit dem Thüringer Integrationspreis 2019 ausgezeichnet.",
                "The working group “Municipal integration management in Thuringia” (ThILIK) received the Thuringian Integration Prize 2019.",
            ),
        ),
    },
    {
        "key": "contact",
        "slug": T("kontakt", "contact"),
        "title": T("Kontakt", "Contact"),
        "show_in_menus": True,
        "intro": T(
            "Institut für kommunale Planung und Entwicklung e.V., Erfurt.",
            "Institute for Municipal Planning and Development, Erfurt.",
        ),
        "body": (PLACEHOLDER,),
    },
    {
        "key": "imprint",
        "slug": T("impressum", "imprint"),
        "title": T("Impressum", "Imprint"),
        "show_in_menus": False,
        "intro": T(
            "Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG).",
            "Information pursuant to section 5 of the German Digital Services Act (DDG).",
        ),
        "body": (
            T(
                "Institut für kommunale Planung und Entwicklung e.V., Erfurt.",
                "Institute for Municipal Planning and Development, Erfurt.",
            ),
            PLACEHOLDER,
        ),
    },
    {
        "key": "privacy",
        "slug": T("datenschutz", "privacy"),
        "title": T("Datenschutz", "Privacy policy"),
        "show_in_menus": False,
        "intro": T(
            "Wie diese Website mit personenbezogenen Daten umgeht.",
            "How this website handles personal data.",
        ),
        "body": (
            T(
                "Diese Website lädt keine Inhalte von fremden Servern nach und setzt für Besucherinnen und Besucher keine Tracking-Cookies.",
                "This website loads no content from third-party servers and sets no tracking cookies for visitors.",
            ),
            PLACEHOLDER,
        ),
    },
    {
        "key": "accessibility",
        "slug": T("barrierefreiheit", "accessibility"),
        "title": T("Erklärung zur Barrierefreiheit", "Accessibility statement"),
        "show_in_menus": False,
        "intro": T(
            "Das IKPE ist bemüht, seine Website im Einklang mit der Barrierefreie-Informationstechnik-Verordnung barrierefrei zugänglich zu machen. Ziel ist die Konformität mit WCAG 2.1 Stufe AA.",
            "IKPE strives to make its website accessible in line with the German Accessible Information Technology Ordinance. The target is conformance with WCAG 2.1 level AA.",
        ),
        "body": (
            T(
                "Feedback und Kontakt: Wenn Ihnen Mängel in Bezug auf die barrierefreie Gestaltung auffallen, schreiben Sie uns bitte. Die Kontaktadresse wird von der Redaktion ergänzt.",
                "Feedback and contact: if you notice any accessibility shortcomings, please write to us. The contact address will be added by the editors.",
            ),
            PLACEHOLDER,
        ),
    },
    {
        "key": "easy_read",
        "slug": T("leichte-sprache", "easy-read"),
        "title": T("Leichte Sprache", "Easy-read information"),
        "show_in_menus": False,
        "intro": T(
            "Hier erklären wir in Leichter Sprache, was wir machen.",
            "Here we explain in easy words what we do.",
        ),
        "body": (
            T("Wir sind das IKPE.", "We are IKPE."),
            T("Das IKPE ist ein Institut in Erfurt.", "IKPE is an institute in Erfurt."),
            T(
                "Wir helfen den Landkreisen und Städten in Thüringen.",
                "We help the districts and cities in Thuringia.",
            ),
            T(
                "Wir helfen bei der Planung für Menschen mit wenig Geld.",
                "We help with planning for people with little money.",
            ),
            T(
                "Wir helfen bei der Planung für Menschen, die nach Thüringen gezogen sind.",
                "We help with planning for people who moved to Thuringia.",
            ),
            T("Wir schreiben Berichte über unsere Arbeit.", "We write reports about our work."),
        ),
    },
]
