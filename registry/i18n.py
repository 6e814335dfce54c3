"""The patient pages' words in English and French, and the choice of language for a request.

A plain catalogue, one dictionary per language with the same keys (a test holds them in step),
rather than gettext: two languages and a few dozen short messages do not need a compile step,
and long texts (the page on needling) are whole templates per language instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.requests import Request

LANGUAGES = ("en", "fr")
DEFAULT = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "site.name": "Needling Registry",
        "site.tagline": (
            "Find a physiotherapist authorized to needle, from the regulators' own registers."
        ),
        "skip": "Skip to main content",
        "nav.label": "Main",
        "nav.search": "Search",
        "nav.about": "About needling",
        "nav.switch": "Français",
        "nav.switch_lang": "fr",
        "error.not_found": "There is no page at this address.",
        "error.other": "This request could not be answered.",
        "error.back": "Back to the search",
        "form.legend": "Find a practitioner",
        "form.name": "Name or practice",
        "form.name_hint": "For example: Roberts, or the name of a clinic.",
        "form.city": "City or town",
        "form.city_hint": (
            "Start typing for suggestions. Add the province to be sure: Red Deer, AB."
        ),
        "form.within": "Distance",
        "form.within_city": "In this city only",
        "form.within_km": "Within {km} km",
        "form.kind": "Kind of needling",
        "form.kind_any": "Any kind of needling",
        "form.kind_hint": "Used with “Only people authorized to needle now”.",
        "form.show": "Show",
        "form.show_authorized": "Only people authorized to needle now",
        "form.show_all": "Everyone on the register, with their status",
        "form.submit": "Search",
        "kind.dry_needling": "dry needling",
        "kind.ims": "intramuscular stimulation (IMS)",
        "kind.acupuncture": "acupuncture",
        "kind.needling": "needling (dry needling, IMS and acupuncture)",
        "results.heading": "Results",
        "results.count": "{count} people found.",
        "results.count.one": "{count} person found.",
        "results.count_more": "More than {count} people found.",
        "results.near": "Within {km} km of {place}, nearest first.",
        "results.none": "Nobody matches this search.",
        "results.none_hint": (
            "Check the spelling, search a wider distance, or show everyone on the register."
        ),
        "results.next": "Next results",
        "results.sample": "Synthetic sample data: not a real person.",
        "result.may_needle": "May needle now: yes, {kinds}.",
        "result.may_not_needle": "No needling authorization on the register.",
        "result.not_tracked": (
            "This regulator does not record who may needle: ask the practitioner and the regulator."
        ),
        "result.unknown": "Whether this person may needle is not confirmed.",
        "result.words": "In the regulator's words",
        "result.status": "Register status",
        "result.left": "No longer on the register since {date}.",
        "result.conditions": "Conditions",
        "result.no_conditions": "None published",
        "result.practice": "Practice",
        "result.no_practice": "The register publishes no practice address.",
        "result.phone": "Phone:",
        "result.distance": "{km} km from {place}",
        "result.same_place": "In {place}",
        "result.verified": "Last verified on the register:",
        "result.number": "Registration number",
        "result.regulator": "Regulator",
        "result.record": "See this record on the {regulator} register",
        "notice.heading": "About these results",
        "notice.not_tracked": (
            "{regulator} ({jurisdiction}) does not record who may needle: {count} people there "
            "match the rest of your search. They are not listed because nobody can say, not "
            "because they may not."
        ),
        "notice.not_tracked.one": (
            "{regulator} ({jurisdiction}) does not record who may needle: {count} person there "
            "matches the rest of your search. They are not listed because nobody can say, not "
            "because they may not."
        ),
        "notice.not_tracked_unknown": (
            "Whether {regulator} ({jurisdiction}) records who may needle is not confirmed: "
            "{count} people there match the rest of your search."
        ),
        "notice.not_tracked_unknown.one": (
            "Whether {regulator} ({jurisdiction}) records who may needle is not confirmed: "
            "{count} person there matches the rest of your search."
        ),
        "notice.show_them": "Show everyone, with their status",
        "notice.stale": (
            "{regulator}: our copy may be out of date. It was last verified on {date}."
        ),
        "notice.never": "{regulator}: no copy of the register has been imported yet.",
        "notice.failing": (
            "{regulator}: our latest attempt to read the register, on {date}, did not succeed. "
            "What is shown is the last good copy."
        ),
        "notice.check": "Always check the regulator's own record before treatment.",
        "error.heading": "Please check your search",
        "error.unknown_city": (
            "We do not know a city or town called “{city}”. Check the spelling, or choose one "
            "from the suggestions."
        ),
        "error.empty": "Type a name or a city, or choose a kind of needling.",
        "footer.about": (
            "Data from each regulator's public register, under its terms. Not medical advice."
        ),
        "footer.api": "API",
        "footer.clinics": "For clinics: verify staff",
        "footer.data": "All the data (Datasette)",
        "footer.sources": "Sources and last imports (JSON)",
        "intro.lead": (
            "Every result comes from a regulator's own public register, with the date we last "
            "read it and a link to the regulator's record."
        ),
        "intro.about": "What are dry needling, IMS and acupuncture, and what to ask first",
        "date.unknown": "unknown",
        "sources.heading": "The registers we read",
        "sources.verified": "last read",
        "sources.never": "not imported yet",
        "sources.not_tracked": "Does not record who may needle",
        "sources.failing": "Our latest attempt to read it failed",
        "sources.stale": "Our copy may be out of date",
        "intro.ask": "What to ask before treatment",
        "form.change": "Change the search",
        "result.call": "Call",
        "result.directions": "Directions",
        "result.opens_osm": "on OpenStreetMap",
        "result.details": "Registration details",
        "result.register_name": "Name on the register",
        "notice.see": "About these results",
        "person.title": "{name}: registration",
        "person.locations": "Where they practise",
        "person.authorization": "Authorization to needle",
        "person.plain": "In plain words",
        "person.standing": "Standing",
        "person.history": "Since when",
        "person.first_seen": "First seen on the register: {date}.",
        "person.authorized_since": "Authorization seen continuously since {date}.",
        "person.state_since": "Current details unchanged since {date}.",
        "person.evidence": "Where and when we read it",
        "person.evidence_item": "{role}: read on {date}",
        "person.sha": "SHA-256 of the response",
        "person.verify": "Check it yourself",
        "person.verify_text": (
            "Open the regulator's own record or register, search for the name or registration "
            "number, and check the status and the needling authorization there. The register is "
            "the authority; this page is a copy."
        ),
        "person.api": "This record as data (JSON)",
        "person.back": "Back to the search",
        "person.not_found": "We have no registration with this number on this register.",
        "sources.sample": "Synthetic sample data, not real people",
    },
    "fr": {
        "site.name": "Registre des aiguilles",
        "site.tagline": (
            "Trouver un ou une physiothérapeute autorisé à utiliser des aiguilles, d'après les "
            "registres des ordres professionnels."
        ),
        "skip": "Aller au contenu principal",
        "nav.label": "Principal",
        "nav.search": "Recherche",
        "nav.about": "À propos des aiguilles",
        "nav.switch": "English",
        "nav.switch_lang": "en",
        "error.not_found": "Il n'y a pas de page à cette adresse.",
        "error.other": "Cette demande n'a pas pu aboutir.",
        "error.back": "Retour à la recherche",
        "form.legend": "Trouver un ou une professionnelle",
        "form.name": "Nom ou clinique",
        "form.name_hint": "Par exemple : Roberts, ou le nom d'une clinique.",
        "form.city": "Ville",
        "form.city_hint": (
            "Commencez à taper pour voir des suggestions. Ajoutez la province pour préciser : "
            "Red Deer, AB."
        ),
        "form.within": "Distance",
        "form.within_city": "Dans cette ville seulement",
        "form.within_km": "À moins de {km} km",
        "form.kind": "Type de traitement par aiguilles",
        "form.kind_any": "Tous les types",
        "form.kind_hint": "S'applique avec « Seulement les personnes autorisées actuellement ».",
        "form.show": "Afficher",
        "form.show_authorized": "Seulement les personnes autorisées actuellement",
        "form.show_all": "Toutes les personnes inscrites, avec leur statut",
        "form.submit": "Rechercher",
        "kind.dry_needling": "puncture physiothérapique (aiguilles sèches)",
        "kind.ims": "stimulation intramusculaire (IMS)",
        "kind.acupuncture": "acupuncture",
        "kind.needling": "aiguilles (puncture sèche, IMS et acupuncture)",
        "results.heading": "Résultats",
        "results.count": "{count} personnes trouvées.",
        "results.count.one": "{count} personne trouvée.",
        "results.count_more": "Plus de {count} personnes trouvées.",
        "results.near": "À moins de {km} km de {place}, les plus proches d'abord.",
        "results.none": "Personne ne correspond à cette recherche.",
        "results.none_hint": (
            "Vérifiez l'orthographe, élargissez la distance ou affichez toutes les personnes "
            "inscrites."
        ),
        "results.next": "Résultats suivants",
        "results.sample": "Données d'exemple synthétiques : pas une vraie personne.",
        "result.may_needle": "Peut utiliser des aiguilles actuellement : oui, {kinds}.",
        "result.may_not_needle": "Aucune autorisation d'utiliser des aiguilles au registre.",
        "result.not_tracked": (
            "Cet ordre n'indique pas qui peut utiliser des aiguilles : renseignez-vous auprès "
            "de la personne et de l'ordre."
        ),
        "result.unknown": "L'autorisation d'utiliser des aiguilles n'est pas confirmée.",
        "result.words": "Selon les termes de l'ordre",
        "result.status": "Statut au registre",
        "result.left": "N'est plus inscrit au registre depuis le {date}.",
        "result.conditions": "Conditions",
        "result.no_conditions": "Aucune publiée",
        "result.practice": "Lieu de pratique",
        "result.no_practice": "Le registre ne publie pas d'adresse de pratique.",
        "result.phone": "Téléphone :",
        "result.distance": "À {km} km de {place}",
        "result.same_place": "À {place}",
        "result.verified": "Dernière vérification au registre :",
        "result.number": "Numéro de permis",
        "result.regulator": "Ordre",
        "result.record": "Voir cette fiche au registre de {regulator}",
        "notice.heading": "À propos de ces résultats",
        "notice.not_tracked": (
            "{regulator} ({jurisdiction}) n'indique pas qui peut utiliser des aiguilles : "
            "{count} personnes y correspondent au reste de votre recherche. Elles ne sont pas "
            "listées parce que personne ne peut le dire, et non parce qu'elles n'y sont pas "
            "autorisées."
        ),
        "notice.not_tracked.one": (
            "{regulator} ({jurisdiction}) n'indique pas qui peut utiliser des aiguilles : "
            "{count} personne y correspond au reste de votre recherche. Elle n'est pas listée "
            "parce que personne ne peut le dire, et non parce qu'elle n'y est pas autorisée."
        ),
        "notice.not_tracked_unknown": (
            "{regulator} ({jurisdiction}) : il n'est pas confirmé que ce registre indique qui "
            "peut utiliser des aiguilles. {count} personnes y correspondent au reste de votre "
            "recherche."
        ),
        "notice.not_tracked_unknown.one": (
            "{regulator} ({jurisdiction}) : il n'est pas confirmé que ce registre indique qui "
            "peut utiliser des aiguilles. {count} personne y correspond au reste de votre "
            "recherche."
        ),
        "notice.show_them": "Afficher toutes les personnes, avec leur statut",
        "notice.stale": (
            "{regulator} : notre copie n'est peut-être plus à jour. Dernière vérification le "
            "{date}."
        ),
        "notice.never": "{regulator} : aucune copie du registre n'a encore été importée.",
        "notice.failing": (
            "{regulator} : notre dernière lecture du registre, le {date}, a échoué. Les données "
            "affichées sont celles de la dernière copie valide."
        ),
        "notice.check": "Vérifiez toujours la fiche de l'ordre avant un traitement.",
        "error.heading": "Veuillez vérifier votre recherche",
        "error.unknown_city": (
            "Nous ne connaissons pas de ville appelée « {city} ». Vérifiez l'orthographe ou "
            "choisissez une suggestion."
        ),
        "error.empty": "Tapez un nom ou une ville, ou choisissez un type de traitement.",
        "footer.about": (
            "Données tirées du registre public de chaque ordre, selon ses conditions. Ceci "
            "n'est pas un avis médical."
        ),
        "footer.api": "API",
        "footer.clinics": "Pour les cliniques : vérifier le personnel",
        "footer.data": "Toutes les données (Datasette)",
        "footer.sources": "Sources et dernières importations (JSON)",
        "intro.lead": (
            "Chaque résultat provient du registre public d'un ordre professionnel, avec la date "
            "de notre dernière lecture et un lien vers la fiche de l'ordre."
        ),
        "intro.about": (
            "Puncture sèche, IMS et acupuncture : de quoi s'agit-il, et quoi demander avant"
        ),
        "date.unknown": "inconnue",
        "sources.heading": "Les registres que nous lisons",
        "sources.verified": "dernière lecture le",
        "sources.never": "pas encore importé",
        "sources.not_tracked": "N'indique pas qui peut utiliser des aiguilles",
        "sources.failing": "Notre dernière lecture a échoué",
        "sources.stale": "Notre copie n'est peut-être plus à jour",
        "intro.ask": "Quoi demander avant un traitement",
        "form.change": "Modifier la recherche",
        "result.call": "Appeler",
        "result.directions": "Itinéraire",
        "result.opens_osm": "sur OpenStreetMap",
        "result.details": "Détails de l'inscription",
        "result.register_name": "Nom au registre",
        "notice.see": "À propos de ces résultats",
        "person.title": "{name} : inscription",
        "person.locations": "Lieux de pratique",
        "person.authorization": "Autorisation d'utiliser des aiguilles",
        "person.plain": "En termes simples",
        "person.standing": "Statut",
        "person.history": "Depuis quand",
        "person.first_seen": "Vu au registre pour la première fois : {date}.",
        "person.authorized_since": "Autorisation vue sans interruption depuis le {date}.",
        "person.state_since": "Renseignements inchangés depuis le {date}.",
        "person.evidence": "Où et quand nous l'avons lu",
        "person.evidence_item": "{role} : lu le {date}",
        "person.sha": "SHA-256 de la réponse",
        "person.verify": "Vérifiez vous-même",
        "person.verify_text": (
            "Ouvrez la fiche ou le registre de l'ordre, cherchez le nom ou le numéro de permis, "
            "et vérifiez-y le statut et l'autorisation. Le registre fait foi; cette page n'en est "
            "qu'une copie."
        ),
        "person.api": "Cette fiche en données (JSON)",
        "person.back": "Retour à la recherche",
        "person.not_found": "Nous n'avons aucune inscription portant ce numéro à ce registre.",
        "sources.sample": "Données d'exemple synthétiques, pas de vraies personnes",
    },
}

_PLACEHOLDER = re.compile(r"{(\w+)}")


def kilometres(km: float, lang: str) -> str:
    """A distance as people read it: whole kilometres from 10 up, one decimal below (with a
    decimal comma in French)."""
    text = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def singular(lang: str, count: int) -> bool:
    """English says "1 person", "0 people"; French says "0 personne", "1 personne"."""
    return count == 1 if lang == "en" else count in (0, 1)


def translator(lang: str) -> Callable[..., str]:
    """t("results.count", count=3) in a language; a missing key is a bug, so it raises.

    A message with a `count` has a "KEY.one" form for the singular where the count needs one.
    """
    messages = MESSAGES[lang]

    def t(key: str, **values) -> str:
        count = values.get("count")
        if isinstance(count, int) and singular(lang, count) and f"{key}.one" in messages:
            key = f"{key}.one"
        return messages[key].format(**values) if values else messages[key]

    return t


def choose(request: Request) -> str:
    """?lang= first (the visible switch sets it), then the browser's Accept-Language."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    best, best_q = DEFAULT, 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best
