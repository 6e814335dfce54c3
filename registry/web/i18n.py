"""The patient pages' words in English and French, and the choice of language for a request.

A plain catalogue, one dictionary per language with the same keys (a test holds them in step),
rather than gettext: two languages and a few dozen short messages do not need a compile step,
and long texts (the page on needling) are whole templates per language instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markupsafe import Markup, escape
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
        "error.busy": (
            "The registry's database is busy being filled (a first import). Try again in a minute."
        ),
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
        "form.kind": "What are you looking for?",
        "form.kind_hint": "Used with “Only people authorized to needle now”.",
        "form.show": "Show",
        "form.show_authorized": "Only people authorized to needle now",
        "form.show_all": "Everyone on the register, with their status",
        "form.submit": "Search",
        "kind.dry_needling": "dry needling",
        "kind.ims": "intramuscular stimulation (IMS)",
        "kind.acupuncture": "acupuncture",
        "kind.needling": "needling (dry needling, IMS and acupuncture)",
        "kind.trigger_point_injection": "trigger point injections",
        "results.heading": "Results",
        "results.count": "{count} people found.",
        "results.count.one": "{count} person found.",
        "results.count_more": "More than {count} people found.",
        "results.count_in": "{count} people found in {place}.",
        "results.count_in.one": "{count} person found in {place}.",
        "results.count_more_in": "More than {count} people found in {place}.",
        "results.searched": "You searched for:",
        "results.searched_name": "“{q}”",
        "results.searched_kind": "authorized for {kind}",
        "results.searched_profession": "profession: {profession}",
        "results.searched_any_profession": "any profession that may",
        "results.searched_authorized": "people authorized to needle now",
        "results.searched_all": "everyone on the register",
        "results.near": "Within {km} km of {place}, nearest first.",
        "results.none": "Nobody matches this search.",
        "results.none_hint": (
            "Check the spelling, search a wider distance, or show everyone on the register."
        ),
        "results.next": "Next results",
        "results.previous": "Previous results",
        "results.pages": "Pages of results",
        "results.range": "{first}–{last} of {total}",
        "results.range_more": "{first}–{last} of more than {total}",
        "results.sort": "Sort:",
        "results.sort_distance": "nearest first",
        "results.sort_name": "by name",
        "results.near_by_name": "Within {km} km of {place}, by name.",
        "results.sample": "Synthetic sample data: not a real person.",
        "result.may_needle": "May needle now: yes, {kinds}.",
        "result.may_not_needle": "No needling authorization on the register.",
        "result.not_tracked": (
            "This regulator does not record who may needle: ask the practitioner and the regulator."
        ),
        "result.unknown": (
            "No needling authorization listed. This register is not confirmed to list every "
            "one: ask the practitioner or the regulator."
        ),
        "result.listed": "Needling authorization listed on the register: yes, {kinds}.",
        "map.label": "Map of these results",
        "map.open": "See this practitioner",
        "map.show": "Show on a map",
        "map.needs_js": (
            "The map needs JavaScript. Each card's Directions link shows its place on "
            "OpenStreetMap."
        ),
        "map.marker": "{number}: {name}",
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
            "{regulator} ({jurisdiction}) is not confirmed to list everyone who may needle. "
            "Shown: {listed} with an authorization listed. Not shown: {count} more people there "
            "who match the rest of your search with none listed, which does not mean they may "
            "not."
        ),
        "notice.not_tracked_unknown.one": (
            "{regulator} ({jurisdiction}) is not confirmed to list everyone who may needle. "
            "Shown: {listed} with an authorization listed. Not shown: {count} more person there "
            "who matches the rest of your search with none listed, which does not mean they "
            "may not."
        ),
        "notice.kept_unpublished": (
            "{regulator} ({jurisdiction}) keeps a record of who may dry-needle but does not "
            "publish it: {count} people there match the rest of your search. Ask the "
            "practitioner to show you their registration or attestation with the board."
        ),
        "notice.kept_unpublished.one": (
            "{regulator} ({jurisdiction}) keeps a record of who may dry-needle but does not "
            "publish it: {count} person there matches the rest of your search. Ask the "
            "practitioner to show you their registration or attestation with the board."
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
        "means.restricted_activity_authorization": (
            "{regulator} authorizes needling as a restricted activity; its register shows it as"
        ),
        "means.roster": "{regulator} keeps a roster of members trained to needle, listed as",
        "means.attestation": ("{regulator} issues an attestation of training to needle, listed as"),
        "means.endorsement": "{regulator} endorses the licence for needling, listed as",
        "means.registration": "{regulator} registers needling as part of practice, listed as",
        "means.sub_register": "{regulator} lists members authorized to needle, as",
        "means.other": "{regulator}'s register shows it as",
        "means.scope_of_practice": (
            "May by the scope of practice {of_profession}: every registrant of {regulator} may, "
            "not a personal authorization. In the law's words"
        ),
        "profession.physiotherapist": "physiotherapist",
        "profession.acupuncturist": "acupuncturist",
        "profession.physician": "physician",
        "profession.naturopath": "naturopathic doctor",
        "profession.occupational_therapist": "occupational therapist",
        "profession.athletic_trainer": "athletic trainer",
        "profession.chiropractor": "chiropractor",
        "profession.of.physiotherapist": "of a physiotherapist",
        "profession.of.acupuncturist": "of an acupuncturist",
        "profession.of.physician": "of a physician",
        "profession.of.naturopath": "of a naturopathic doctor",
        "profession.of.occupational_therapist": "of an occupational therapist",
        "profession.of.athletic_trainer": "of an athletic trainer",
        "profession.of.chiropractor": "of a chiropractor",
        "result.profession": "Profession",
        "result.kept_unpublished": (
            "The board keeps a record of who may dry-needle but does not publish it: ask the "
            "practitioner to show you their dry needling registration or attestation with the "
            "board."
        ),
        "mechanism.restricted_activity_authorization": "a restricted-activity authorization",
        "mechanism.roster": "a roster of those trained",
        "mechanism.attestation": "an attestation of training",
        "mechanism.endorsement": "an endorsement on the licence",
        "mechanism.registration": "a registration for it",
        "mechanism.sub_register": "a sub-register",
        "here.heading": "Who may do this in {place}",
        "here.lead": (
            "The regulators there, the profession each registers, and what its register shows:"
        ),
        "here.by_scope": "every registrant may, by the scope of practice {of_profession}",
        "here.personal": "only those it authorizes in person, by {mechanism}",
        "here.how_unknown": "how a person comes to be authorized is not known yet",
        "here.kinds": "For: {kinds}.",
        "here.tracked_read": "Its register shows who may; we read it.",
        "here.tracked_not_read": "Its register shows who may; we do not read it yet.",
        "here.kept_unpublished": (
            "It keeps a record of who may dry-needle but does not publish it: ask the "
            "practitioner to show you their dry needling {what} with the board."
        ),
        "here.what.registration": "registration",
        "here.what.attestation": "attestation",
        "here.what.other": "registration or attestation",
        "here.not_tracked": (
            "It keeps no record of who may: ask the practitioner about their training."
        ),
        "here.unknown": "Whether its register shows who may is not known yet.",
        "choice.needling": "Dry needling or IMS",
        "choice.dry_needling": "Dry needling",
        "choice.ims": "IMS (intramuscular stimulation)",
        "choice.acupuncture": "Acupuncture",
        "choice.trigger_point_injection": "Trigger point injections",
        "form.kind_who": (
            "Dry needling and IMS: physiotherapists authorized for them. Acupuncture: "
            "acupuncturists, and physiotherapists authorized for it. Trigger point injections: "
            "physicians."
        ),
        "here.item": "{regulator} ({profession}): {how}.",
        "error.did_you_mean": "Did you mean",
        "error.too_long": "A search field is too long: at most {max} characters.",
        "error.too_many_words": "A search field has too many words: at most {max}.",
        "error.no_letters": "Type letters or digits to search for.",
        "error.did_you_mean_end": "?",
        "where.understood": "Showing {place} for “{typed}”.",
        "empty.not_read": (
            "We do not read the physiotherapy register for {place} yet, so nobody there can be "
            "found here."
        ),
        "empty.not_read_link": "Search the register of {regulator}",
        "empty.not_read_any": (
            "We do not read a register that says who may do this in {place} yet, so nobody "
            "there can be found here."
        ),
        "empty.no_register_any": (
            "We do not read any register that says who may do this in {place} yet, so nobody "
            "there can be found here."
        ),
        "empty.no_register": (
            "We do not read any physiotherapy register for {place} yet, so nobody there can be "
            "found here."
        ),
        "empty.no_addresses": (
            "The register there ({regulator}) publishes no practice addresses, so nobody in "
            "{place} can be found by city or distance. Search by name instead."
        ),
        "empty.name": "Name",
        "empty.name_submit": "Search by name",
        "empty.widen": "Search within {km} km of {place}",
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
        "sources.kept_unpublished": "Keeps who may dry-needle but does not publish it",
        "sources.unknown": "Not confirmed to list everyone who may needle",
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
        "error.busy": (
            "La base de données du registre est en cours de remplissage (une première "
            "importation). Réessayez dans une minute."
        ),
        "error.back": "Retour à la recherche",
        "form.legend": "Trouver un ou une professionnelle",
        "form.name": "Nom ou clinique",
        "form.name_hint": "Par exemple : Roberts, ou le nom d'une clinique.",
        "form.city": "Ville",
        "form.city_hint": (
            "Commencez à taper pour voir des suggestions. Ajoutez la province pour préciser : "
            "Montréal, QC."
        ),
        "form.within": "Distance",
        "form.within_city": "Dans cette ville seulement",
        "form.within_km": "À moins de {km} km",
        "form.kind": "Que cherchez-vous ?",
        "form.kind_hint": "S'applique avec « Seulement les personnes autorisées actuellement ».",
        "form.show": "Afficher",
        "form.show_authorized": "Seulement les personnes autorisées actuellement",
        "form.show_all": "Toutes les personnes inscrites, avec leur statut",
        "form.submit": "Rechercher",
        "kind.dry_needling": "puncture physiothérapique (aiguilles sèches)",
        "kind.ims": "stimulation intramusculaire (IMS)",
        "kind.acupuncture": "acupuncture",
        "kind.needling": "aiguilles (puncture sèche, IMS et acupuncture)",
        "kind.trigger_point_injection": "injections aux points gâchettes",
        "results.heading": "Résultats",
        "results.count": "{count} personnes trouvées.",
        "results.count.one": "{count} personne trouvée.",
        "results.count_more": "Plus de {count} personnes trouvées.",
        "results.count_in": "{count} personnes trouvées à {place}.",
        "results.count_in.one": "{count} personne trouvée à {place}.",
        "results.count_more_in": "Plus de {count} personnes trouvées à {place}.",
        "results.searched": "Votre recherche :",
        "results.searched_name": "« {q} »",
        "results.searched_kind": "autorisées pour {kind}",
        "results.searched_profession": "profession : {profession}",
        "results.searched_any_profession": "toute profession qui le peut",
        "results.searched_authorized": "personnes autorisées actuellement",
        "results.searched_all": "toutes les personnes inscrites",
        "results.near": "À moins de {km} km de {place}, les plus proches d'abord.",
        "results.none": "Personne ne correspond à cette recherche.",
        "results.none_hint": (
            "Vérifiez l'orthographe, élargissez la distance ou affichez toutes les personnes "
            "inscrites."
        ),
        "results.next": "Résultats suivants",
        "results.previous": "Résultats précédents",
        "results.pages": "Pages de résultats",
        "results.range": "{first} à {last} sur {total}",
        "results.range_more": "{first} à {last} sur plus de {total}",
        "results.sort": "Trier :",
        "results.sort_distance": "les plus proches d'abord",
        "results.sort_name": "par nom",
        "results.near_by_name": "À moins de {km} km de {place}, par nom.",
        "results.sample": "Données d'exemple synthétiques : pas une vraie personne.",
        "result.may_needle": "Peut utiliser des aiguilles actuellement : oui, {kinds}.",
        "result.may_not_needle": "Aucune autorisation d'utiliser des aiguilles au registre.",
        "result.not_tracked": (
            "Cet ordre n'indique pas qui peut utiliser des aiguilles : renseignez-vous auprès "
            "de la personne et de l'ordre."
        ),
        "result.unknown": (
            "Aucune autorisation d'utiliser des aiguilles indiquée. Il n'est pas confirmé que ce "
            "registre les indique toutes : demandez au professionnel ou à l'ordre."
        ),
        "result.listed": (
            "Autorisation d'utiliser des aiguilles indiquée au registre : oui, {kinds}."
        ),
        "map.label": "Carte de ces résultats",
        "map.open": "Voir ce professionnel",
        "map.show": "Voir sur une carte",
        "map.needs_js": (
            "La carte a besoin de JavaScript. Le lien Itinéraire de chaque fiche montre son lieu "
            "sur OpenStreetMap."
        ),
        "map.marker": "{number} : {name}",
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
        "notice.kept_unpublished": (
            "{regulator} ({jurisdiction}) tient un dossier des personnes autorisées à la "
            "puncture sèche, mais ne le publie pas : {count} personnes y correspondent au reste "
            "de votre recherche. Demandez à la personne de vous montrer son inscription ou son "
            "attestation auprès de l'organisme."
        ),
        "notice.kept_unpublished.one": (
            "{regulator} ({jurisdiction}) tient un dossier des personnes autorisées à la "
            "puncture sèche, mais ne le publie pas : {count} personne y correspond au reste de "
            "votre recherche. Demandez-lui de vous montrer son inscription ou son attestation "
            "auprès de l'organisme."
        ),
        "notice.not_tracked_unknown": (
            "{regulator} ({jurisdiction}) : il n'est pas confirmé que ce registre indique tous "
            "ceux qui peuvent utiliser des aiguilles. Affichées : {listed} avec une autorisation "
            "indiquée. Non affichées : {count} autres personnes qui y correspondent au reste de "
            "votre recherche sans autorisation indiquée, ce qui ne veut pas dire qu'elles n'y "
            "sont pas autorisées."
        ),
        "notice.not_tracked_unknown.one": (
            "{regulator} ({jurisdiction}) : il n'est pas confirmé que ce registre indique tous "
            "ceux qui peuvent utiliser des aiguilles. Affichées : {listed} avec une autorisation "
            "indiquée. Non affichée : {count} autre personne qui y correspond au reste de votre "
            "recherche sans autorisation indiquée, ce qui ne veut pas dire qu'elle n'y est pas "
            "autorisée."
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
        "means.restricted_activity_authorization": (
            "{regulator} autorise les aiguilles comme activité réservée; son registre l'indique "
            "ainsi :"
        ),
        "means.roster": (
            "{regulator} tient une liste des membres formés aux aiguilles, qui l'indique ainsi :"
        ),
        "means.attestation": (
            "{regulator} délivre une attestation de formation aux aiguilles, indiquée ainsi :"
        ),
        "means.endorsement": (
            "{regulator} ajoute au permis une mention pour les aiguilles, indiquée ainsi :"
        ),
        "means.registration": (
            "{regulator} inscrit les aiguilles dans l'exercice, ce qu'il indique ainsi :"
        ),
        "means.sub_register": "{regulator} inscrit les membres autorisés, ainsi :",
        "means.other": "Le registre de {regulator} l'indique ainsi :",
        "means.scope_of_practice": (
            "Le peut selon le champ d'exercice {of_profession} : tout membre de {regulator} le "
            "peut, ce n'est pas une autorisation individuelle. Selon les termes de la loi :"
        ),
        "profession.physiotherapist": "physiothérapeute",
        "profession.acupuncturist": "acupuncteur",
        "profession.physician": "médecin",
        "profession.naturopath": "naturopathe",
        "profession.occupational_therapist": "ergothérapeute",
        "profession.athletic_trainer": "thérapeute du sport",
        "profession.chiropractor": "chiropraticien",
        "profession.of.physiotherapist": "d'un physiothérapeute",
        "profession.of.acupuncturist": "d'un acupuncteur",
        "profession.of.physician": "d'un médecin",
        "profession.of.naturopath": "d'un naturopathe",
        "profession.of.occupational_therapist": "d'un ergothérapeute",
        "profession.of.athletic_trainer": "d'un thérapeute du sport",
        "profession.of.chiropractor": "d'un chiropraticien",
        "result.profession": "Profession",
        "result.kept_unpublished": (
            "L'organisme tient un dossier des personnes autorisées à la puncture sèche, mais ne "
            "le publie pas : demandez à la personne de vous montrer son inscription ou son "
            "attestation auprès de l'organisme."
        ),
        "mechanism.restricted_activity_authorization": "une autorisation d'activité réservée",
        "mechanism.roster": "une liste des membres formés",
        "mechanism.attestation": "une attestation de formation",
        "mechanism.endorsement": "une mention au permis",
        "mechanism.registration": "une inscription à cette fin",
        "mechanism.sub_register": "un sous-registre",
        "here.heading": "Qui peut le faire ici : {place}",
        "here.lead": (
            "Les organismes de réglementation de l'endroit, la profession de leurs membres et "
            "ce que montre leur registre :"
        ),
        "here.by_scope": "tous ses membres le peuvent, selon le champ d'exercice {of_profession}",
        "here.personal": "seulement les personnes qu'il autorise individuellement, par {mechanism}",
        "here.how_unknown": "on ne sait pas encore comment une personne y est autorisée",
        "here.kinds": "Pour : {kinds}.",
        "here.tracked_read": "Son registre indique qui le peut; nous le lisons.",
        "here.tracked_not_read": "Son registre indique qui le peut; nous ne le lisons pas encore.",
        "here.kept_unpublished": (
            "Il tient un dossier des personnes autorisées à la puncture sèche, mais ne le publie "
            "pas : demandez à la personne de vous montrer son {what} de puncture sèche auprès "
            "de l'organisme."
        ),
        "here.what.registration": "inscription",
        "here.what.attestation": "attestation",
        "here.what.other": "inscription ou attestation",
        "here.not_tracked": (
            "Il ne tient aucun dossier des personnes autorisées : renseignez-vous auprès de la "
            "personne sur sa formation."
        ),
        "here.unknown": "On ne sait pas encore si son registre indique qui le peut.",
        "choice.needling": "Puncture sèche ou IMS",
        "choice.dry_needling": "Puncture sèche",
        "choice.ims": "IMS (stimulation intramusculaire)",
        "choice.acupuncture": "Acupuncture",
        "choice.trigger_point_injection": "Injections aux points gâchettes",
        "form.kind_who": (
            "Puncture sèche et IMS : les physiothérapeutes autorisés. Acupuncture : les "
            "acupuncteurs, et les physiothérapeutes autorisés à la pratiquer. Injections aux "
            "points gâchettes : les médecins."
        ),
        "here.item": "{regulator} ({profession}) : {how}.",
        "error.did_you_mean": "Vouliez-vous dire",
        "error.too_long": "Un champ de recherche est trop long : {max} caractères au plus.",
        "error.too_many_words": "Un champ de recherche a trop de mots : {max} au plus.",
        "error.no_letters": "Tapez des lettres ou des chiffres à chercher.",
        "error.did_you_mean_end": " ?",
        "where.understood": "Résultats pour {place} (recherche : « {typed} »).",
        "empty.not_read": (
            "Nous ne lisons pas encore le registre des physiothérapeutes pour {place} : "
            "personne de cet endroit ne peut être trouvé ici."
        ),
        "empty.not_read_link": "Chercher dans le registre de l'ordre : {regulator}",
        "empty.not_read_any": (
            "Nous ne lisons pas encore de registre qui dise qui peut le faire à {place} : "
            "personne de cet endroit ne peut être trouvé ici."
        ),
        "empty.no_register_any": (
            "Nous ne lisons encore aucun registre qui dise qui peut le faire à {place} : "
            "personne de cet endroit ne peut être trouvé ici."
        ),
        "empty.no_register": (
            "Nous ne lisons encore aucun registre de physiothérapeutes pour {place} : personne "
            "de cet endroit ne peut être trouvé ici."
        ),
        "empty.no_addresses": (
            "Le registre de cet endroit ({regulator}) ne publie aucune adresse de pratique : "
            "personne à {place} ne peut être trouvé par ville ou par distance. Cherchez plutôt "
            "par nom."
        ),
        "empty.name": "Nom",
        "empty.name_submit": "Chercher par nom",
        "empty.widen": "Chercher à moins de {km} km de {place}",
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
        "sources.kept_unpublished": (
            "Tient un dossier des personnes autorisées à la puncture sèche, sans le publier"
        ),
        "sources.unknown": (
            "Il n'est pas confirmé qu'il indique tous ceux qui peuvent utiliser des aiguilles"
        ),
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


_VOWELS = tuple("AEIOUYÀÂÉÈÊËÎÏÔÛÙaeiouyàâéèêëîïôûù")


def elide(message: str, values: dict) -> str:
    """French elision before a name that starts with a vowel: "de l'OPPQ", "de l'Ordre" (an
    organization takes its article), "à 14 km d'Edmonton" (a place does not)."""
    for name, value in values.items():
        plain = value.striptags() if isinstance(value, Markup) else str(value)
        if plain.startswith(_VOWELS) and f"de {{{name}}}" in message:
            elided = "de l'" if name == "regulator" else "d'"
            message = re.sub(rf"\bde \{{{name}\}}", f"{elided}{{{name}}}", message)
    return message


@functools.cache
def labels(lang: str) -> dict[str, Markup]:
    """Every message that takes no values, escaped once, for `T["result.details"]` in a
    template: a dictionary lookup where `t("result.details")` is a call through Jinja's context
    (a page of 20 cards shows about 300 of them; tests/test_pages.py checks every key used)."""
    return {key: Markup(escape(text)) for key, text in MESSAGES[lang].items() if "{" not in text}


def translator(lang: str, markup: bool = False) -> Callable[..., str]:
    """t("results.count", count=3) in a language; a missing key is a bug, so it raises.

    A message with a `count` has a "KEY.one" form for the singular where the count needs one.
    With `markup`, the message is HTML in which the values are escaped, unless they are Markup
    themselves (a name marked with its language: <span lang="fr">).
    """
    messages = MESSAGES[lang]

    def t(key: str, **values) -> str:
        count = values.get("count")
        if isinstance(count, int) and singular(lang, count) and f"{key}.one" in messages:
            key = f"{key}.one"
        message = messages[key]
        if lang == "fr" and values:
            message = elide(message, values)
        if markup:
            return Markup(escape(message)).format(**values)
        return message.format(**values) if values else message

    return t


def error_detail(detail: str, lang: str) -> str:
    """An error's detail on a page, in its language when it is one of the catalogue's errors
    (the same words the API gives in English)."""
    for key, text in MESSAGES[DEFAULT].items():
        if key.startswith("error.") and text == detail:
            return MESSAGES[lang][key]
    return detail


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


# ---- Clinics: /verify, its results and receipts. Kept apart from the patient pages'
# keys above so that both can grow without stepping on each other. --------------------------------
CLINIC_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "verify.title": "Verify a roster",
        "verify.lead": (
            "Check every physiotherapist on your staff against the regulators' registers, and "
            "keep a receipt for each."
        ),
        "verify.how": (
            "Upload a CSV with a column for the province or regulator (for example “Province” or "
            "“College”) and one for the registration number (“Reg #”, “Licence number”). Add a "
            "name column (“Full name”, or “First name” and “Last name”): without it we cannot "
            "tell whether a number belongs to the right person. Save it as “CSV UTF-8”."
        ),
        "verify.sample": "Download a sample roster (CSV)",
        "verify.ontario": (
            "Ontario: the college's register shows only the last digits of each number "
            "(“XXX42”). Send the full number and the name: we match the visible digits together "
            "with the name, and when that is not enough we say “check by name”."
        ),
        "verify.file": "Roster (CSV, up to 5 MB)",
        "verify.submit": "Verify",
        "verify.results": "Results",
        "verify.summary": "{rows} rows checked, {attention} need your attention.",
        "verify.summary_ok": "{rows} rows checked, all authorized.",
        "verify.attention_first": "Rows that need your attention are listed first.",
        "verify.only_attention": "Show only the rows that need attention",
        "verify.legend": "What the verdicts mean",
        "verify.col.person": "Person (as you sent it)",
        "verify.col.verdict": "Verdict",
        "verify.col.register": "On the register",
        "verify.col.receipt": "Receipt",
        "verify.line": "Line {line}",
        "verify.register_name": "Register's name: {name}",
        "verify.status": "Status: {status}",
        "verify.conditions": "Conditions: {conditions}",
        "verify.authorizations": "Authorizations: {authorizations}",
        "verify.stale_says": "Stale data says: {verdict}",
        "verify.search_by_name": "Search by name",
        "verify.open_receipt": "Open receipt",
        "verify.error_heading": "This roster could not be checked",
        "verdict.authorized": "Authorized to needle",
        "verdict.authorized.help": "On the register, practising, and authorized to needle.",
        "verdict.not_authorized": "Not authorized to needle",
        "verdict.not_authorized.help": (
            "On the register, but may not needle now: no authorization, suspended or not "
            "practising."
        ),
        "verdict.no_longer_on_register": "No longer on the register",
        "verdict.no_longer_on_register.help": (
            "Was on the register and has left it: may not practise."
        ),
        "verdict.not_found": "Number not found",
        "verdict.not_found.help": (
            "The register, as we last read it, has no such number. Check the number."
        ),
        "verdict.check_by_name": "Check by name",
        "verdict.check_by_name.help": (
            "The register hides part of each number (Ontario) and the digits and name did not "
            "match exactly one person. Look the person up by name."
        ),
        "verdict.data_stale": "Our copy is out of date",
        "verdict.data_stale.help": (
            "We have not read this register recently. Check on the regulator's own site."
        ),
        "verdict.not_tracked": "Register does not say",
        "verdict.not_tracked.help": (
            "The regulator does not record needling. Ask for proof of training."
        ),
        "verdict.error": "Could not check",
        "verdict.error.help": "The row could not be checked: read the message and fix the row.",
        "receipt.title": "Verification receipt",
        "receipt.lead": "Needling Registry, an open compilation of regulators' public registers.",
        "receipt.id": "Receipt",
        "receipt.checked_at": "Checked at",
        "receipt.asked": "Asked",
        "receipt.asked_text": "{regulator}, registration {number}",
        "receipt.asked_name": "name “{name}”",
        "receipt.verdict": "Verdict",
        "receipt.warning": "Warning",
        "receipt.regulator": "Regulator",
        "receipt.registrant": "Registrant (register's name)",
        "receipt.status": "Status",
        "receipt.left_since": "no longer on the register since {date}",
        "receipt.conditions": "Conditions",
        "receipt.authorizations": "Authorizations (regulator's words)",
        "receipt.none_listed": "none listed",
        "receipt.source_url": "Source",
        "receipt.fetched_at": "Fetched at",
        "receipt.response_sha256": "Response SHA-256",
        "receipt.no_response": "none (absence is shown by the whole import run)",
        "receipt.import_run": "Import run",
        "receipt.import_run_text": "{run} (last confirmed by run {last})",
        "receipt.freshness": "Data freshness",
        "receipt.fresh_until": "fresh until {when}",
        "receipt.stale_since": "stale since {when}",
        "receipt.never_imported": "never imported",
        "receipt.limit_days": "(limit: {days} days after the last successful import)",
        "receipt.limit_days.one": "(limit: {days} day after the last successful import)",
        "receipt.sha256": "Receipt SHA-256",
        "receipt.json": "The receipt as stored (JSON)",
        "receipt.disclaimer": (
            "This is a copy of a public register, not the regulator's own record: confirm with "
            "the regulator before relying on it."
        ),
        "receipt.back": "Back to verifying a roster",
    },
    "fr": {
        "verify.title": "Vérifier une liste de personnel",
        "verify.lead": (
            "Vérifiez chaque physiothérapeute de votre équipe dans les tableaux des ordres, et "
            "gardez une preuve pour chacun."
        ),
        "verify.how": (
            "Téléversez un fichier CSV avec une colonne pour la province ou l'ordre (par exemple "
            "« Province » ou « Ordre ») et une pour le numéro de permis (« Numéro de permis », "
            "« Permis »). Ajoutez une colonne de nom (« Nom complet », ou « Prénom » et « Nom de "
            "famille ») : sans elle, nous ne pouvons pas savoir si un numéro appartient à la "
            "bonne personne. Enregistrez-le en « CSV UTF-8 »."
        ),
        "verify.sample": "Télécharger un exemple de liste (CSV)",
        "verify.ontario": (
            "Ontario : le tableau de l'ordre n'affiche que les derniers chiffres de chaque "
            "numéro (« XXX42 »). Envoyez le numéro complet et le nom : nous comparons les "
            "chiffres visibles et le nom ensemble, et si cela ne suffit pas, nous disons "
            "« vérifier par le nom »."
        ),
        "verify.file": "Liste (CSV, jusqu'à 5 Mo)",
        "verify.submit": "Vérifier",
        "verify.results": "Résultats",
        "verify.summary": "{rows} lignes vérifiées, {attention} demandent votre attention.",
        "verify.summary_ok": "{rows} lignes vérifiées, toutes autorisées.",
        "verify.attention_first": "Les lignes qui demandent votre attention sont en premier.",
        "verify.only_attention": "N'afficher que les lignes qui demandent votre attention",
        "verify.legend": "Ce que veulent dire les résultats",
        "verify.col.person": "Personne (telle qu'envoyée)",
        "verify.col.verdict": "Résultat",
        "verify.col.register": "Au tableau",
        "verify.col.receipt": "Preuve",
        "verify.line": "Ligne {line}",
        "verify.register_name": "Nom au tableau : {name}",
        "verify.status": "Statut : {status}",
        "verify.conditions": "Conditions : {conditions}",
        "verify.authorizations": "Autorisations : {authorizations}",
        "verify.stale_says": "Les données périmées disent : {verdict}",
        "verify.search_by_name": "Chercher par le nom",
        "verify.open_receipt": "Ouvrir la preuve",
        "verify.error_heading": "Cette liste n'a pas pu être vérifiée",
        "verdict.authorized": "Autorisé·e à utiliser les aiguilles",
        "verdict.authorized.help": (
            "Inscrit·e au tableau, en exercice et autorisé·e à utiliser les aiguilles."
        ),
        "verdict.not_authorized": "Non autorisé·e à utiliser les aiguilles",
        "verdict.not_authorized.help": (
            "Inscrit·e au tableau, mais ne peut pas utiliser les aiguilles maintenant : aucune "
            "autorisation, suspension ou hors exercice."
        ),
        "verdict.no_longer_on_register": "N'est plus inscrit·e",
        "verdict.no_longer_on_register.help": (
            "Figurait au tableau et n'y est plus : ne peut pas exercer."
        ),
        "verdict.not_found": "Numéro introuvable",
        "verdict.not_found.help": (
            "Le tableau, tel que nous l'avons lu la dernière fois, n'a pas ce numéro. "
            "Vérifiez le numéro."
        ),
        "verdict.check_by_name": "Vérifier par le nom",
        "verdict.check_by_name.help": (
            "Le tableau masque une partie des numéros (Ontario) et les chiffres et le nom ne "
            "désignent pas une seule personne. Cherchez la personne par son nom."
        ),
        "verdict.data_stale": "Notre copie n'est plus à jour",
        "verdict.data_stale.help": (
            "Nous n'avons pas lu ce tableau récemment. Vérifiez sur le site de l'ordre."
        ),
        "verdict.not_tracked": "Le tableau ne le précise pas",
        "verdict.not_tracked.help": (
            "L'ordre n'inscrit pas l'utilisation des aiguilles. Demandez une preuve de formation."
        ),
        "verdict.error": "Vérification impossible",
        "verdict.error.help": (
            "La ligne n'a pas pu être vérifiée : lisez le message et corrigez la ligne."
        ),
        "receipt.title": "Preuve de vérification",
        "receipt.lead": (
            "Needling Registry, une compilation ouverte des tableaux publics des ordres."
        ),
        "receipt.id": "Preuve",
        "receipt.checked_at": "Vérifié le",
        "receipt.asked": "Demande",
        "receipt.asked_text": "{regulator}, numéro {number}",
        "receipt.asked_name": "nom « {name} »",
        "receipt.verdict": "Résultat",
        "receipt.warning": "Avertissement",
        "receipt.regulator": "Ordre",
        "receipt.registrant": "Personne inscrite (nom au tableau)",
        "receipt.status": "Statut",
        "receipt.left_since": "n'est plus au tableau depuis le {date}",
        "receipt.conditions": "Conditions d'exercice",
        "receipt.authorizations": "Autorisations (termes de l'ordre)",
        "receipt.none_listed": "aucune indiquée",
        "receipt.source_url": "Source (page lue)",
        "receipt.fetched_at": "Lu le",
        "receipt.response_sha256": "SHA-256 de la réponse",
        "receipt.no_response": "aucun (l'absence est établie par toute l'importation)",
        "receipt.import_run": "Importation",
        "receipt.import_run_text": "{run} (confirmée en dernier par l'importation {last})",
        "receipt.freshness": "Fraîcheur des données",
        "receipt.fresh_until": "à jour jusqu'au {when}",
        "receipt.stale_since": "périmées depuis le {when}",
        "receipt.never_imported": "jamais importées",
        "receipt.limit_days": "(limite : {days} jours après la dernière importation réussie)",
        "receipt.limit_days.one": "(limite : {days} jour après la dernière importation réussie)",
        "receipt.sha256": "SHA-256 de la preuve",
        "receipt.json": "La preuve telle qu'enregistrée (JSON)",
        "receipt.disclaimer": (
            "Ceci est une copie d'un tableau public, pas le dossier de l'ordre lui-même : "
            "confirmez auprès de l'ordre avant de vous y fier."
        ),
        "receipt.back": "Retour à la vérification d'une liste",
    },
}
# Keeping the proof (downloads and prints of a roster's results) and receipts that stand alone.
CLINIC_PROOF_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "keep.heading": "Keep the proof",
        "keep.csv": "Download CSV",
        "keep.print": "Print all receipts",
        "keep.how": (
            "The CSV has your rows with the verdict in words, the check time, each receipt's "
            "address, the source and the hashes. Both links keep working without uploading again."
        ),
        "print.title": "Verification receipts",
        "print.dated": (
            "Printed {when} (UTC), for the roster checked {checked} (UTC): {count} receipts."
        ),
        "print.how": (
            "Print this page (Ctrl+P, or ⌘+P on a Mac): each receipt is on a page of its own."
        ),
        "print.pages": "Pages of receipts",
        "print.page_of": "Page {page} of {pages}.",
        "print.none": "No row of this roster could be checked, so there is no receipt.",
        "receipt.local_time": "{when} (regulator's local time)",
        "receipt.age_days": "The register was read {days} days before this check.",
        "receipt.age_under_a_day": "The register was read less than a day before this check.",
        "receipt.address": "This receipt's address",
        "receipt.qr_title": "QR code of this receipt's address",
        "receipt.qr_caption": "Scan to open this receipt.",
        "receipt.how_heading": "How to check this receipt",
        "receipt.how_run": "Anyone can fetch the stored copy and hash it; on a command line run:",
        "receipt.how_prints": "It should print this receipt's SHA-256, then a dash:",
        "receipt.how_differs": (
            "Any other output means the stored copy differs from this one, or it was not found."
        ),
        "receipt.print": "Print this receipt",
        "receipt.print_hint": "To keep it on paper or as a PDF, print this page (Ctrl+P, or ⌘+P).",
    },
    "fr": {
        "keep.heading": "Garder la preuve",
        "keep.csv": "Télécharger le CSV",
        "keep.print": "Imprimer toutes les preuves",
        "keep.how": (
            "Le CSV contient vos lignes avec le résultat en mots, l'heure de vérification, "
            "l'adresse de chaque preuve, la source et les empreintes. Les deux liens restent "
            "valables sans nouvel envoi."
        ),
        "print.title": "Preuves de vérification",
        "print.dated": (
            "Imprimé le {when} (UTC), pour la liste vérifiée le {checked} (UTC) : {count} preuves."
        ),
        "print.how": (
            "Imprimez cette page (Ctrl+P, ou ⌘+P sur Mac) : chaque preuve est sur sa propre page."
        ),
        "print.pages": "Pages de preuves",
        "print.page_of": "Page {page} sur {pages}.",
        "print.none": "Aucune ligne de cette liste n'a pu être vérifiée : il n'y a pas de preuve.",
        "receipt.local_time": "{when} (heure locale de l'ordre)",
        "receipt.age_days": "Le tableau a été lu {days} jours avant cette vérification.",
        "receipt.age_under_a_day": (
            "Le tableau a été lu moins d'un jour avant cette vérification."
        ),
        "receipt.address": "Adresse de cette preuve",
        "receipt.qr_title": "Code QR de l'adresse de cette preuve",
        "receipt.qr_caption": "Scannez-le pour ouvrir cette preuve.",
        "receipt.how_heading": "Comment vérifier cette preuve",
        "receipt.how_run": (
            "Tout le monde peut télécharger la copie enregistrée et en calculer l'empreinte ; "
            "en ligne de commande :"
        ),
        "receipt.how_prints": (
            "La commande doit afficher le SHA-256 de cette preuve, puis un tiret :"
        ),
        "receipt.how_differs": (
            "Tout autre résultat signifie que la copie enregistrée diffère de celle-ci, ou "
            "qu'elle est introuvable."
        ),
        "receipt.print": "Imprimer cette preuve",
        "receipt.print_hint": (
            "Pour la garder sur papier ou en PDF, imprimez cette page (Ctrl+P, ou ⌘+P)."
        ),
    },
}
# The watch-list screen (/watch, registry/watch_pages.py).
CLINIC_WATCH_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "watch.title": "Watch list",
        "watch.colon": ": ",
        "watch.have_list": "Already watching people? Open your watch list.",
        "watch.open_title": "Open a watch list",
        "watch.open_lead": "Paste the token you were given when the list was made.",
        "watch.how_to_make": "To make a list, verify a roster, then choose “Watch these people”.",
        "watch.token": "Token",
        "watch.token_hint": "It starts with nrw_.",
        "watch.open": "Open the list",
        "watch.make_heading": "Watch these people",
        "watch.make_lead": (
            "Be told when the register changes for the people in this roster: an authorization "
            "removed, a suspension, new conditions, leaving the register. Rows whose number "
            "belongs to someone else, and numbers not found, are left out."
        ),
        "watch.name": "Name for the list",
        "watch.name_hint": (
            "For example, your clinic's name. It is shown on the list and in its feeds."
        ),
        "watch.make": "Watch these people",
        "watch.created_title": "Your watch list is ready",
        "watch.created_count": "{count} people are watched.",
        "watch.created_count.one": "{count} person is watched.",
        "watch.token_heading": "Keep this token now: it is shown only once",
        "watch.token_warning": (
            "The token is the only key to this list. We keep only a fingerprint of it, so we "
            "cannot show it again or send it to you. Copy it into a password manager or another "
            "safe place now. Anyone who has it can see the list, change its webhook and delete it."
        ),
        "watch.go": "Open the list",
        "watch.skipped_heading": "Rows not watched",
        "watch.skipped_lead": (
            "These rows name no registration we could watch, or a number that belongs to "
            "someone else. Correct them and verify the roster again to watch them."
        ),
        "watch.summary": "{count} people watched since {date}.",
        "watch.summary.one": "{count} person watched since {date}.",
        "watch.people": "People watched",
        "watch.people_pages": "Pages of people watched",
        "watch.people_shown": "People {first} to {last} of {total}.",
        "watch.people_previous": "Previous people",
        "watch.people_next": "Next people",
        "watch.col.person": "Person",
        "watch.col.verdict": "Verdict now",
        "watch.col.latest": "Latest change",
        "watch.no_change": "No change since {date}",
        "watch.changes": "Latest changes",
        "watch.no_changes": (
            "No change yet. Changes the register makes after a person is added appear here, in "
            "the feeds and at the webhook."
        ),
        "watch.more_changes": "{count} older changes are in the feeds.",
        "watch.kind.authorization_removed": "Authorization removed",
        "watch.kind.authorization_granted": "Authorization granted",
        "watch.kind.status_changed": "Status changed",
        "watch.kind.conditions_changed": "Conditions changed",
        "watch.kind.left": "No longer on the register",
        "watch.kind.returned": "Back on the register",
        "watch.kind.data_stale": "Our copy of a register is out of date",
        "watch.stale_detail": (
            "{regulator}: verdicts for the people there cannot be trusted until it is read again."
        ),
        "watch.feeds": "Feeds",
        "watch.feeds_lead": (
            "Follow the changes in a feed reader with one of these addresses. They hold your "
            "token: keep them as private as the token itself."
        ),
        "watch.feed_atom": "Atom feed address",
        "watch.feed_json": "JSON Feed address",
        "watch.feeds_programs": "Programs should send the token in a header instead:",
        "watch.webhook": "Webhook",
        "watch.webhook_lead": (
            "We can send each change to your own server as a signed JSON POST (the "
            "X-Registry-Signature header). Only addresses on the public internet are accepted."
        ),
        "watch.webhook_current": "Changes are sent to:",
        "watch.webhook_url": "Webhook address (https://…)",
        "watch.webhook_url_hint": "Leave it empty and save to stop sending changes.",
        "watch.webhook_save": "Save the webhook",
        "watch.webhook.saved": "The webhook is saved.",
        "watch.webhook.removed": "The webhook is removed: nothing will be sent.",
        "watch.webhook.none": "Save a webhook address first.",
        "watch.webhook_refused": "This webhook address cannot be used",
        "watch.secret_heading": "Keep this signing secret now: it is shown only once",
        "watch.secret_warning": (
            "Your server checks each delivery with it. Saving the webhook again makes a new one."
        ),
        "watch.secret": "Signing secret",
        "watch.test": "Send a test delivery",
        "watch.test_hint": "One signed POST with no changes in it, marked as a test.",
        "watch.test_ok": "The test delivery was accepted: your server answered HTTP {status}.",
        "watch.test_failed": "The test delivery failed",
        "watch.test_pending": (
            "The test delivery is on its way; your server has not answered yet. Open the list "
            "again in a moment to see its answer."
        ),
        "watch.test_busy": "Too many test deliveries are on their way. Try again in a minute.",
        "watch.delete_heading": "Delete the list",
        "watch.delete_lead": "The feeds and the webhook stop, and the token stops working.",
        "watch.delete": "Delete this list",
        "watch.delete_title": "Delete this watch list?",
        "watch.delete_question": (
            "The list and the {count} people on it will be deleted, with its feeds and webhook. "
            "This cannot be undone."
        ),
        "watch.delete_yes": "Yes, delete the list",
        "watch.delete_no": "No, keep it",
        "watch.deleted_title": "The watch list is deleted",
        "watch.deleted_lead": "Its token no longer works, and nothing more is sent to its webhook.",
        "watch.back_verify": "Verify a roster",
        "watch.error_heading": "That did not work",
        "watch.error.too_large": "The form is too large.",
        "watch.error.token_in_url": (
            "Never put the token in a page's address: addresses are kept in logs and browser "
            "histories. Paste it in the form below."
        ),
        "watch.error.not_a_form": "Send this as a form.",
        "watch.error.no_batch": "These results are no longer kept: verify the roster again.",
        "watch.error.name_too_long": "The name is too long: at most 200 characters.",
        "watch.error.nobody": (
            "No row of this roster names a registration that can be watched: correct the rows "
            "and verify the roster again."
        ),
        "watch.error.too_many": "This roster has more people than a watch list can hold.",
        "watch.error.bad_token": (
            "This token does not open a watch list. Check that it was copied whole; a deleted "
            "list's token no longer works."
        ),
    },
    "fr": {
        "watch.title": "Liste de suivi",
        "watch.colon": "\u00a0: ",
        "watch.have_list": "Vous suivez déjà des personnes ? Ouvrez votre liste de suivi.",
        "watch.open_title": "Ouvrir une liste de suivi",
        "watch.open_lead": "Collez le jeton reçu à la création de la liste.",
        "watch.how_to_make": (
            "Pour créer une liste, vérifiez une liste de personnel, puis choisissez « Suivre ces "
            "personnes »."
        ),
        "watch.token": "Jeton",
        "watch.token_hint": "Il commence par nrw_.",
        "watch.open": "Ouvrir la liste",
        "watch.make_heading": "Suivre ces personnes",
        "watch.make_lead": (
            "Soyez averti·e quand le tableau change pour les personnes de cette liste : "
            "autorisation retirée, suspension, nouvelles conditions, départ du tableau. Les "
            "lignes dont le numéro appartient à une autre personne, et les numéros introuvables, "
            "sont laissés de côté."
        ),
        "watch.name": "Nom de la liste",
        "watch.name_hint": (
            "Par exemple, le nom de votre clinique. Il est affiché sur la liste et dans ses fils."
        ),
        "watch.make": "Suivre ces personnes",
        "watch.created_title": "Votre liste de suivi est prête",
        "watch.created_count": "{count} personnes sont suivies.",
        "watch.created_count.one": "{count} personne est suivie.",
        "watch.token_heading": "Gardez ce jeton maintenant : il n'est affiché qu'une fois",
        "watch.token_warning": (
            "Le jeton est la seule clé de cette liste. Nous n'en gardons qu'une empreinte : nous "
            "ne pouvons ni l'afficher de nouveau ni vous l'envoyer. Copiez-le maintenant dans un "
            "gestionnaire de mots de passe ou un autre endroit sûr. Quiconque l'a peut voir la "
            "liste, changer son webhook et la supprimer."
        ),
        "watch.go": "Ouvrir la liste",
        "watch.skipped_heading": "Lignes non suivies",
        "watch.skipped_lead": (
            "Ces lignes ne désignent aucune inscription que nous puissions suivre, ou un numéro "
            "qui appartient à une autre personne. Corrigez-les et vérifiez la liste de nouveau "
            "pour les suivre."
        ),
        "watch.summary": "{count} personnes suivies depuis le {date}.",
        "watch.summary.one": "{count} personne suivie depuis le {date}.",
        "watch.people": "Personnes suivies",
        "watch.people_pages": "Pages des personnes suivies",
        "watch.people_shown": "Personnes {first} à {last} sur {total}.",
        "watch.people_previous": "Personnes précédentes",
        "watch.people_next": "Personnes suivantes",
        "watch.col.person": "Personne",
        "watch.col.verdict": "Résultat actuel",
        "watch.col.latest": "Dernier changement",
        "watch.no_change": "Aucun changement depuis le {date}",
        "watch.changes": "Derniers changements",
        "watch.no_changes": (
            "Aucun changement pour l'instant. Les changements que le tableau fait après l'ajout "
            "d'une personne s'affichent ici, dans les fils et au webhook."
        ),
        "watch.more_changes": "{count} changements plus anciens sont dans les fils.",
        "watch.kind.authorization_removed": "Autorisation retirée",
        "watch.kind.authorization_granted": "Autorisation accordée",
        "watch.kind.status_changed": "Statut changé",
        "watch.kind.conditions_changed": "Conditions changées",
        "watch.kind.left": "N'est plus au tableau",
        "watch.kind.returned": "De retour au tableau",
        "watch.kind.data_stale": "Notre copie d'un tableau n'est plus à jour",
        "watch.stale_detail": (
            "{regulator} : les résultats des personnes de ce tableau ne sont pas fiables tant "
            "qu'il n'est pas relu."
        ),
        "watch.feeds": "Fils d'actualité",
        "watch.feeds_lead": (
            "Suivez les changements dans un lecteur de fils avec l'une de ces adresses. Elles "
            "contiennent votre jeton : gardez-les aussi privées que le jeton."
        ),
        "watch.feed_atom": "Adresse du fil Atom",
        "watch.feed_json": "Adresse du fil JSON Feed",
        "watch.feeds_programs": "Un programme doit plutôt envoyer le jeton dans un en-tête :",
        "watch.webhook": "Webhook (envoi à votre serveur)",
        "watch.webhook_lead": (
            "Nous pouvons envoyer chaque changement à votre propre serveur, en POST JSON signé "
            "(en-tête X-Registry-Signature). Seules les adresses publiques d'Internet sont "
            "acceptées."
        ),
        "watch.webhook_current": "Les changements sont envoyés à :",
        "watch.webhook_url": "Adresse du webhook (https://…)",
        "watch.webhook_url_hint": "Laissez-la vide et enregistrez pour arrêter les envois.",
        "watch.webhook_save": "Enregistrer le webhook",
        "watch.webhook.saved": "Le webhook est enregistré.",
        "watch.webhook.removed": "Le webhook est retiré : rien ne sera envoyé.",
        "watch.webhook.none": "Enregistrez d'abord une adresse de webhook.",
        "watch.webhook_refused": "Cette adresse de webhook ne peut pas être utilisée",
        "watch.secret_heading": (
            "Gardez ce secret de signature maintenant : il n'est affiché qu'une fois"
        ),
        "watch.secret_warning": (
            "Votre serveur vérifie chaque envoi avec lui. Enregistrer de nouveau le webhook en "
            "crée un autre."
        ),
        "watch.secret": "Secret de signature",
        "watch.test": "Envoyer un essai",
        "watch.test_hint": "Un POST signé, sans changement, marqué comme essai.",
        "watch.test_ok": "L'essai a été accepté : votre serveur a répondu HTTP {status}.",
        "watch.test_failed": "L'essai a échoué",
        "watch.test_pending": (
            "L'essai est en route ; votre serveur n'a pas encore répondu. Rouvrez la liste dans "
            "un moment pour voir sa réponse."
        ),
        "watch.test_busy": "Trop d'essais sont en route. Réessayez dans une minute.",
        "watch.delete_heading": "Supprimer la liste",
        "watch.delete_lead": "Les fils et le webhook s'arrêtent, et le jeton ne fonctionne plus.",
        "watch.delete": "Supprimer cette liste",
        "watch.delete_title": "Supprimer cette liste de suivi ?",
        "watch.delete_question": (
            "La liste et les {count} personnes qu'elle contient seront supprimées, avec ses "
            "fils et son webhook. C'est définitif."
        ),
        "watch.delete_yes": "Oui, supprimer la liste",
        "watch.delete_no": "Non, la garder",
        "watch.deleted_title": "La liste de suivi est supprimée",
        "watch.deleted_lead": (
            "Son jeton ne fonctionne plus, et rien n'est plus envoyé à son webhook."
        ),
        "watch.back_verify": "Vérifier une liste de personnel",
        "watch.error_heading": "Cela n'a pas fonctionné",
        "watch.error.too_large": "Le formulaire est trop gros.",
        "watch.error.token_in_url": (
            "Ne mettez jamais le jeton dans l'adresse d'une page : les adresses sont gardées "
            "dans les journaux et l'historique des navigateurs. Collez-le dans le formulaire "
            "ci-dessous."
        ),
        "watch.error.not_a_form": "Envoyez-le comme un formulaire.",
        "watch.error.no_batch": (
            "Ces résultats ne sont plus conservés : vérifiez la liste de nouveau."
        ),
        "watch.error.name_too_long": "Le nom est trop long : 200 caractères au plus.",
        "watch.error.nobody": (
            "Aucune ligne de cette liste ne désigne une inscription qui puisse être suivie : "
            "corrigez les lignes et vérifiez la liste de nouveau."
        ),
        "watch.error.too_many": (
            "Cette liste contient plus de personnes qu'une liste de suivi ne peut en suivre."
        ),
        "watch.error.bad_token": (
            "Ce jeton n'ouvre aucune liste de suivi. Vérifiez qu'il a été copié en entier ; le "
            "jeton d'une liste supprimée ne fonctionne plus."
        ),
    },
}
for _lang, _messages in CLINIC_MESSAGES.items():
    MESSAGES[_lang].update(_messages)
for _lang, _messages in CLINIC_PROOF_MESSAGES.items():
    MESSAGES[_lang].update(_messages)
for _lang, _messages in CLINIC_WATCH_MESSAGES.items():
    MESSAGES[_lang].update(_messages)

# Standing before needling (cards, practitioner pages, roster rows), checking one person, a
# close spelling told from a different person, and roster files in a manager's words.
STANDING_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "standing.not_practising": "Not practising: the register says “{status}”.",
        "standing.removed": "No longer on the register since {date}.",
        "standing.last_listed": "Last listed as “{status}”.",
        "result.not_practising": "May needle now: no, not practising.",
        "verdict.not_practising": "Not practising",
        "verdict.not_practising.help": (
            "On the register, but suspended, cancelled or not practising: may not practise, so "
            "may not needle, whatever the register records about needling."
        ),
        "verdict.name_close": "Name spelled differently",
        "verdict.name_close.help": (
            "The number's holder has a name spelled close to the one you gave (such as Andersen "
            "for Anderson): probably the same person with a typo. Check the spelling with the "
            "person, correct your list and check again."
        ),
        "verdict.name_mismatch": "Someone else's number",
        "verdict.name_mismatch.help": (
            "The number belongs to a person whose name is not the one you gave. Check the "
            "number with the person before relying on it."
        ),
        "verify.name_close": (
            "The register spells it “{name}”: probably the same person with a typo. Confirm "
            "the spelling, correct your list and check again."
        ),
        "verify.name_different": (
            "This number belongs to “{name}”, not to the person you named. Check the number."
        ),
        "verify.last_listed": "Last listed as: {status}",
        "verify.roster_heading": "Check a roster (CSV)",
        "verify.one_heading": "Check one person",
        "verify.one_lead": (
            "Give the registration number, the name, or both. With both, we also check that "
            "the name is the number holder's."
        ),
        "verify.one_regulator": "Regulator or province",
        "verify.one_regulator_hint": "For example CPTA, Alberta, Nova Scotia or QC.",
        "verify.one_number": "Registration number",
        "verify.one_name": "Name",
        "verify.one_submit": "Check this person",
        "verify.one_error_heading": "This person could not be checked",
        "verify.one.missing": (
            "Give the regulator or the province, and the registration number, the name, or both."
        ),
        "verify.one.nobody": (
            "Nobody by that name on that register. Check the spelling, or give the "
            "registration number."
        ),
        "verify.one.several": "Several people on that register have that name: choose one.",
        "verify.one.check_this": "Check",
        "verify.one.left": "no longer on the register",
        "verify.evidence": "Evidence",
        "verify.evidence_source": "Read from",
        "verify.evidence_fetched": "Read on",
        "verify.evidence_sha": "SHA-256 of what was read",
        "roster.error.encoding": (
            "We could not read the letters in this file. In your spreadsheet, choose Save As, "
            "then “CSV UTF-8 (comma delimited)”, and send that file."
        ),
        "roster.error.columns": (
            "We could not find {what} in your file. Name the columns in the first row, for "
            "example “Name”, “Province” and “Registration number”. Columns found: {found}."
        ),
        "roster.error.col_regulator": "a column for the regulator or the province",
        "roster.error.col_number": "a column for the registration number",
        "roster.error.col_both": (
            "a column for the regulator or the province, nor one for the registration number"
        ),
        "roster.error.too_large": "This file is larger than {mb} MB: split it into smaller files.",
        "roster.error.too_many_rows": (
            "This file has more than {rows} rows: split it into smaller files."
        ),
        "roster.error.empty": (
            "This file is empty: send your list with the column names in its first row."
        ),
        "roster.error.not_csv": (
            "This file is not a CSV list (the problem is at line {line}). In your spreadsheet, "
            "choose Save As, then “CSV UTF-8 (comma delimited)”."
        ),
        "roster.error.unreadable": (
            "This file could not be read. Choose a CSV file saved from your spreadsheet."
        ),
    },
    "fr": {
        "standing.not_practising": "N'exerce pas : le tableau indique «\u00a0{status}\u00a0».",
        "standing.removed": "N'est plus inscrit au registre depuis le {date}.",
        "standing.last_listed": "Dernier statut inscrit : «\u00a0{status}\u00a0».",
        "result.not_practising": ("Peut utiliser des aiguilles actuellement : non, n'exerce pas."),
        "verdict.not_practising": "N'exerce pas",
        "verdict.not_practising.help": (
            "Inscrit·e au tableau, mais suspendu·e, radié·e ou sans droit d'exercice : ne peut "
            "pas exercer, donc pas utiliser les aiguilles, quoi que le tableau en dise."
        ),
        "verdict.name_close": "Nom écrit autrement",
        "verdict.name_close.help": (
            "Le titulaire du numéro porte un nom proche de celui donné (par exemple Andersen pour "
            "Anderson) : sans doute la même personne, avec une faute de frappe. Vérifiez "
            "l'orthographe avec la personne, corrigez votre liste et vérifiez de nouveau."
        ),
        "verdict.name_mismatch": "Numéro d'une autre personne",
        "verdict.name_mismatch.help": (
            "Le numéro appartient à une personne dont le nom n'est pas celui donné. Vérifiez le "
            "numéro avec la personne avant de vous y fier."
        ),
        "verify.name_close": (
            "Le tableau l'écrit «\u00a0{name}\u00a0» : sans doute la même personne, avec une "
            "faute de frappe. Confirmez l'orthographe, corrigez votre liste et vérifiez de nouveau."
        ),
        "verify.name_different": (
            "Ce numéro appartient à «\u00a0{name}\u00a0», pas à la personne nommée. "
            "Vérifiez le numéro."
        ),
        "verify.last_listed": "Dernier statut inscrit : {status}",
        "verify.roster_heading": "Vérifier une liste (CSV)",
        "verify.one_heading": "Vérifier une personne",
        "verify.one_lead": (
            "Donnez le numéro de permis, le nom, ou les deux. Avec les deux, nous vérifions "
            "aussi que le nom est celui du titulaire du numéro."
        ),
        "verify.one_regulator": "Ordre ou province",
        "verify.one_regulator_hint": "Par exemple OPPQ, Québec, Alberta ou NS.",
        "verify.one_number": "Numéro de permis",
        "verify.one_name": "Nom",
        "verify.one_submit": "Vérifier cette personne",
        "verify.one_error_heading": "Cette personne n'a pas pu être vérifiée",
        "verify.one.missing": (
            "Donnez l'ordre ou la province, et le numéro de permis, le nom, ou les deux."
        ),
        "verify.one.nobody": (
            "Personne de ce nom à ce tableau. Vérifiez l'orthographe, ou donnez le numéro de "
            "permis."
        ),
        "verify.one.several": (
            "Plusieurs personnes de ce tableau portent ce nom : choisissez-en une."
        ),
        "verify.one.check_this": "Vérifier",
        "verify.one.left": "n'est plus inscrit·e",
        "verify.evidence": "Preuve",
        "verify.evidence_source": "Lu à",
        "verify.evidence_fetched": "Lu le",
        "verify.evidence_sha": "SHA-256 de ce qui a été lu",
        "roster.error.encoding": (
            "Nous n'avons pas pu lire les lettres de ce fichier. Dans votre tableur, choisissez "
            "Enregistrer sous, puis «\u00a0CSV UTF-8 (délimité par des virgules)\u00a0», et "
            "envoyez ce fichier."
        ),
        "roster.error.columns": (
            "Nous n'avons pas trouvé {what} dans votre fichier. Nommez les colonnes sur la "
            "première ligne, par exemple «\u00a0Nom\u00a0», «\u00a0Province\u00a0» et "
            "«\u00a0Numéro de permis\u00a0». "
            "Colonnes trouvées : {found}."
        ),
        "roster.error.col_regulator": "de colonne pour l'ordre ou la province",
        "roster.error.col_number": "de colonne pour le numéro de permis",
        "roster.error.col_both": (
            "de colonne pour l'ordre ou la province, ni pour le numéro de permis"
        ),
        "roster.error.too_large": (
            "Ce fichier dépasse {mb} Mo : divisez-le en fichiers plus petits."
        ),
        "roster.error.too_many_rows": (
            "Ce fichier a plus de {rows} lignes : divisez-le en fichiers plus petits."
        ),
        "roster.error.empty": (
            "Ce fichier est vide : envoyez votre liste avec le nom des colonnes sur la première "
            "ligne."
        ),
        "roster.error.not_csv": (
            "Ce fichier n'est pas une liste CSV (le problème est à la ligne {line}). Dans votre "
            "tableur, choisissez Enregistrer sous, puis «\u00a0CSV UTF-8 (délimité par des "
            "virgules)\u00a0»."
        ),
        "roster.error.unreadable": (
            "Ce fichier n'a pas pu être lu. Choisissez un fichier CSV enregistré depuis votre "
            "tableur."
        ),
    },
}
for _lang, _messages in STANDING_MESSAGES.items():
    MESSAGES[_lang].update(_messages)

# ---- The clinics' errors in words: the domain (verify.py, roster.py) writes its messages for
# programs, in English, some citing API addresses; the pages say them in the page's language. ----
CLINIC_ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "clinic.err.no_regulator": (
            "Give the regulator (for example CPTA) or the province (for example AB)."
        ),
        "clinic.err.unknown_regulator": (
            "We do not know the regulator or province “{text}”: give a regulator's short name "
            "(for example CPTA or CPO) or a province (AB, Alberta, Québec)."
        ),
        "clinic.err.not_covered": "We do not read the register of {regulator} ({where}) yet.",
        "clinic.err.no_numbers": (
            "The {regulator} register publishes no registration numbers, so this person cannot "
            "be checked by number: search for them by name."
        ),
        "clinic.err.no_number": "Give the registration number.",
        "clinic.err.number_too_long": "This registration number is too long.",
        "clinic.err.name_differs": (
            "The name given, “{given}”, does not match the register's, “{name}”."
        ),
        "clinic.err.utf16": (
            "This file is in UTF-16: save it as “CSV UTF-8 (comma delimited)” and send it again."
        ),
        "clinic.err.not_utf8": (
            "This file is not in UTF-8: save it as “CSV UTF-8 (comma delimited)” and send it again."
        ),
        "clinic.err.too_big": "The file is larger than {mb} MB.",
        "clinic.err.empty": "The file is empty: send a CSV with a header row.",
        "clinic.err.too_many_rows": "The file has more than {rows} rows: split it.",
        "clinic.err.not_csv": "The file is not a valid CSV (line {line}).",
        "clinic.err.no_columns": (
            "The file has no column for the province or regulator, or none for the "
            "registration number. Columns found: {columns}."
        ),
        "clinic.err.no_file": "Choose a file to send.",
        "clinic.err.unreadable_form": "The form sent could not be read: send it again.",
        "clinic.err.other": "This could not be checked: {message}",
    },
    "fr": {
        "clinic.err.no_regulator": (
            "Indiquez l'ordre (par exemple CPTA) ou la province (par exemple AB)."
        ),
        "clinic.err.unknown_regulator": (
            "Nous ne connaissons pas l'ordre ou la province « {text} » : indiquez l'abréviation "
            "d'un ordre (par exemple CPTA ou CPO) ou une province (AB, Alberta, Québec)."
        ),
        "clinic.err.not_covered": (
            "Nous ne lisons pas encore le tableau de {regulator} ({where})."
        ),
        "clinic.err.no_numbers": (
            "Le tableau de {regulator} ne publie pas de numéros de permis : cette personne ne "
            "peut pas être vérifiée par son numéro. Cherchez-la par son nom."
        ),
        "clinic.err.no_number": "Indiquez le numéro de permis.",
        "clinic.err.number_too_long": "Ce numéro de permis est trop long.",
        "clinic.err.name_differs": (
            "Le nom indiqué, « {given} », ne correspond pas à celui du tableau, « {name} »."
        ),
        "clinic.err.utf16": (
            "Ce fichier est en UTF-16 : enregistrez-le en « CSV UTF-8 (délimité par des "
            "virgules) » et envoyez-le de nouveau."
        ),
        "clinic.err.not_utf8": (
            "Ce fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 (délimité par des "
            "virgules) » et envoyez-le de nouveau."
        ),
        "clinic.err.too_big": "Le fichier dépasse {mb} Mo.",
        "clinic.err.empty": "Le fichier est vide : envoyez un CSV avec une ligne d'en-tête.",
        "clinic.err.too_many_rows": "Le fichier a plus de {rows} lignes : divisez-le.",
        "clinic.err.not_csv": "Le fichier n'est pas un CSV valide (ligne {line}).",
        "clinic.err.no_columns": (
            "Le fichier n'a pas de colonne pour la province ou l'ordre, ou pas de colonne pour "
            "le numéro de permis. Colonnes trouvées : {columns}."
        ),
        "clinic.err.no_file": "Choisissez un fichier à envoyer.",
        "clinic.err.unreadable_form": "Le formulaire envoyé n'a pas pu être lu : renvoyez-le.",
        "clinic.err.other": "Cette vérification n'a pas pu être faite : {message}",
    },
}
for _lang, _messages in CLINIC_ERROR_MESSAGES.items():
    MESSAGES[_lang].update(_messages)

_QUOTED = r"(?P<{0}>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
# A domain message (its start, as verify.py and roster.py write it) -> the key saying it.
CLINIC_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^give the regulator\b"), "clinic.err.no_regulator"),
    (
        re.compile(r"^unknown regulator or province " + _QUOTED.format("text")),
        "clinic.err.unknown_regulator",
    ),
    (
        re.compile(r"^(?P<regulator>.+?) \((?P<where>[^)]*)\) is not yet covered"),
        "clinic.err.not_covered",
    ),
    (
        re.compile(r"^the (?P<regulator>.+?) register publishes no registration numbers"),
        "clinic.err.no_numbers",
    ),
    (re.compile(r"^give the registration number$"), "clinic.err.no_number"),
    (re.compile(r"^registration number .* is too long"), "clinic.err.number_too_long"),
    (
        re.compile(
            r"^the name given, "
            + _QUOTED.format("given")
            + r", does not match the register's "
            + _QUOTED.format("name")
            + "$"
        ),
        "clinic.err.name_differs",
    ),
    (re.compile(r"^the roster is UTF-16"), "clinic.err.utf16"),
    (re.compile(r"^the roster is not UTF-8"), "clinic.err.not_utf8"),
    (re.compile(r"^the roster is larger than (?P<mb>\d+) MB"), "clinic.err.too_big"),
    (re.compile(r"^the roster is empty"), "clinic.err.empty"),
    (re.compile(r"^the roster has more than (?P<rows>[\d,]+) rows"), "clinic.err.too_many_rows"),
    (re.compile(r"^the roster is not valid CSV \(line (?P<line>\d+)\)"), "clinic.err.not_csv"),
    (
        re.compile(r"^the roster has no column for .*; columns found: (?P<columns>.*)$"),
        "clinic.err.no_columns",
    ),
    (re.compile(r"^the form has no file"), "clinic.err.no_file"),
    (re.compile(r"^the form upload could not be read"), "clinic.err.unreadable_form"),
]


# Messages that send programs to an API address: a page says them in words in English too.
_CITING_THE_API = {"clinic.err.unknown_regulator", "clinic.err.no_numbers"}


def _unquoted(value: str) -> str:
    """A value the domain quoted as Python does ('x' or "x's"), without its quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def clinic_message(message: str | None, lang: str) -> Markup | str:
    """A clinic error or warning from the domain, in the page's language: a known message in
    words (without the API addresses it cites for programs); another one behind a lead-in in
    the page's language, itself marked as English."""
    if not message:
        return ""
    t = translator(lang)
    for pattern, key in CLINIC_ERRORS:
        if match := pattern.match(message):
            if lang == "en" and key not in _CITING_THE_API:
                return message  # the domain's own words are English already
            return t(key, **{k: _unquoted(v) for k, v in match.groupdict().items()})
    if lang == "en":
        return message
    original = Markup('<span lang="en">{}</span>').format(message)
    return translator(lang, markup=True)("clinic.err.other", message=original)


# The roles of the responses a record was read from (db's evidence), in words.
EVIDENCE_ROLES: dict[str, dict[str, str]] = {
    "en": {
        "evidence.listing": "The register's list",
        "evidence.detail": "The person's page on the register",
        "evidence.practice": "The practice's page on the register",
        "evidence.profile": "The person's profile on the register",
        "evidence.other": "The register",
    },
    "fr": {
        "evidence.listing": "La liste du tableau",
        "evidence.detail": "La fiche de la personne au tableau",
        "evidence.practice": "La page du lieu de pratique au tableau",
        "evidence.profile": "Le profil de la personne au tableau",
        "evidence.other": "Le tableau",
    },
}
for _lang, _messages in EVIDENCE_ROLES.items():
    MESSAGES[_lang].update(_messages)


def evidence_role(role: str | None, lang: str) -> str:
    """Where a record's evidence was read ("listing") in words, in a language."""
    key = f"evidence.{role}"
    return MESSAGES[lang].get(key) or MESSAGES[lang]["evidence.other"]
