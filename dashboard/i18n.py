"""The one translation table of the dashboard (French first, English second).

Every label, tooltip, legend and axis title shown by the dashboard comes from
:func:`t`: the dashboard's own texts are in :data:`TABLE`; the engine's
categories (``cause.non_knowledge``, ``age_band.a75_plus``, ``benefit.rsa``...),
metric labels (``metric.KEY``) and number formats come from the shared
vocabulary :mod:`sim.present`, which the command line and the HTML report use
too.  Numbers: :func:`num`, :func:`pct`, :func:`pts` and :func:`euros` write
"21,3 %" and "20 000" in French, "21.3%" and "20,000" in English.

Texts for trainers are written for social workers: plain French, no jargon.
"""

from __future__ import annotations

import math

from sim import present
from sim.present import (DEFAULT_LANG, LANGS, NBSP, NNBSP, euros, plotly_separators,  # noqa: F401
                         points as pts)
from sim.present import number as num
from sim.present import percent as pct

__all__ = ["LANGS", "DEFAULT_LANG", "NBSP", "NNBSP", "TABLE", "t", "has", "label", "num", "pct",
           "pts", "euros", "plotly_separators", "dropdown_labels", "french_strings", "compact", "compact_ci"]

TABLE: dict[str, tuple[str, str]] = {
    # -- shell -------------------------------------------------------------------
    "app.title": ("Dématérialisation et non-recours aux droits",
                  "Dematerialisation and benefit non-take-up"),
    "app.subtitle": ("Simulation multi-agents de ménages fictifs : aucune donnée personnelle",
                     "Agent-based simulation of synthetic households: no personal data"),
    "lang.label": ("Langue", "Language"),
    "tab.compare": ("Comparer des scénarios", "Compare scenarios"),
    "tab.workshop": ("Atelier", "Workshop"),
    "tab.sweeps": ("Balayages de paramètres", "Parameter sweeps"),
    "common.loading": ("Calcul en cours…", "Running…"),
    "common.reference": ("référence", "reference"),
    "common.ci": ("IC 95 %", "95% CI"),
    "common.no_data": ("Pas encore de résultats", "No results yet"),
    "unit.pts": ("pts", "pp"),
    "dd.select_all": ("Tout sélectionner", "Select all"),
    "dd.deselect_all": ("Tout désélectionner", "Deselect all"),
    "dd.selected_count": ("{num_selected} choisis", "{num_selected} selected"),
    "dd.search": ("Rechercher", "Search"),
    "dd.clear_search": ("Effacer la recherche", "Clear search"),
    "dd.clear_selection": ("Tout effacer", "Clear selection"),
    "dd.no_options_found": ("Aucun choix trouvé", "No options found"),
    "unit.eur_month": ("€/mois", "€/month"),
    "unit.hours_month": ("h/mois", "h/month"),
    "unit.h_month": ("h/mois", "h/mo"),
    "unit.households": ("ménages", "households"),

    # -- compare tab -------------------------------------------------------------
    "cmp.settings": ("Réglages de la comparaison", "Comparison settings"),
    "cmp.scenarios": ("Scénarios à comparer (2 à 4)", "Scenarios to compare (2 to 4)"),
    "cmp.scenarios_help": ("Le premier scénario de la liste sert de référence : les écarts sont "
                           "calculés par rapport à lui.",
                           "The first scenario in the list is the reference: differences are "
                           "computed against it."),
    "cmp.upload": ("Déposer ici un fichier de scénario (.yaml), ou cliquer",
                   "Drop a scenario file (.yaml) here, or click"),
    "cmp.upload_help": ("Le fichier est vérifié comme par « sim validate » ; il reste sur ce poste.",
                        "The file is checked as by “sim validate”; it stays on this computer."),
    "cmp.upload_ok": ("Scénario « {name} » ajouté à la liste.", "Scenario “{name}” added to the list."),
    "cmp.upload_error": ("Fichier refusé : {msg}", "File rejected: {msg}"),
    "cmp.upload_too_big": ("Fichier trop gros (maximum {kb} ko).", "File too large (maximum {kb} kB)."),
    "cmp.upload_unreadable": ("Fichier illisible : ce n'est pas un fichier texte YAML.",
                              "Unreadable file: this is not a YAML text file."),
    "cmp.households": ("Ménages simulés par scénario", "Simulated households per scenario"),
    "cmp.replications": ("Réplications", "Replications"),
    "cmp.replications_help": ("Chaque réplication tire une nouvelle population ; les intervalles de "
                              "confiance à 95 % viennent de leur dispersion.",
                              "Each replication draws a new population; the 95% confidence intervals "
                              "come from their spread."),
    "cmp.seed": ("Graine aléatoire", "Random seed"),
    "cmp.seed_help": ("Tous les scénarios utilisent la même graine : mêmes ménages et mêmes tirages "
                      "(comparaison appariée).",
                      "All scenarios share the seed: same households and same random draws "
                      "(paired comparison)."),
    "cmp.run": ("Lancer la comparaison", "Run the comparison"),
    "cmp.cancel": ("Annuler", "Cancel"),
    "cmp.progress": ("{done} / {total} réplications", "{done} / {total} replications"),
    "cmp.done": ("Calculé en {s} s", "Computed in {s} s"),
    "cmp.cached": ("Résultats déjà calculés (cache)", "Results already computed (cache)"),
    "cmp.cancelled": ("Calcul annulé.", "Run cancelled."),
    "cmp.waiting": ("En attente : d’autres calculs passent d’abord (place {n} dans la file)…",
                    "Waiting: other runs go first (place {n} in line)…"),
    "cmp.busy": ("Trop de calculs en cours ou en attente : réessayez dans un moment.",
                 "Too many runs in progress or waiting: try again in a moment."),
    "cmp.failed": ("Le calcul a échoué : {msg}", "The run failed: {msg}"),
    "cmp.need_two": ("Choisissez au moins deux scénarios.", "Pick at least two scenarios."),
    "cmp.too_many": ("Au plus {n} scénarios à la fois.", "At most {n} scenarios at a time."),
    "cmp.too_much_work": ("Calcul trop lourd pour le tableau de bord ({hm} ménages-mois) : réduisez "
                          "les ménages ou les réplications, ou utilisez « sim compare ».",
                          "Too heavy for the dashboard ({hm} household-months): reduce households "
                          "or replications, or use “sim compare”."),
    "cmp.unknown_scenario": ("Scénario introuvable (rechargez le fichier).",
                             "Scenario not found (upload the file again)."),
    "cmp.downloads": ("Télécharger", "Download"),
    "cmp.download_ts": ("Séries mensuelles (CSV)", "Monthly series (CSV)"),
    "cmp.download_groups": ("Non-recours par groupe (CSV)", "Non-take-up by group (CSV)"),
    "cmp.download_summary": ("Résumé par réplication (CSV)", "Summary per replication (CSV)"),
    "cmp.download_yaml": ("Scénario de référence (YAML)", "Reference scenario (YAML)"),
    "cmp.meta": ("{n} ménages, {r} réplications, graine {seed}, moyenne des {m} derniers mois",
                 "{n} households, {r} replications, seed {seed}, mean of the last {m} months"),
    "card.non_take_up": ("Non-recours", "Non-take-up"),
    "card.non_take_up_help": ("Part des ménages éligibles qui ne perçoivent pas la prestation.",
                              "Share of eligible households not receiving the benefit."),
    "card.unclaimed": ("Droits non versés", "Unclaimed benefits"),
    "card.unclaimed_help": ("Montant mensuel des prestations dues mais non perçues, pour la "
                            "population simulée.",
                            "Monthly amount of benefits due but not received, for the simulated "
                            "population."),
    "card.delegated": ("Aide numérique déléguée", "Delegated digital help"),
    "card.delegated_help": ("Heures par mois passées à faire ou à apprendre les démarches en ligne : "
                            "services sociaux, associations et proches.",
                            "Hours per month spent doing or teaching online procedures: social "
                            "services, associations and relatives."),
    "card.concentration": ("Indice de concentration", "Concentration index"),
    "card.concentration_help": ("Négatif : le non-recours se concentre chez les ménages les plus "
                                "modestes ; 0 : réparti également.",
                                "Negative: non-take-up is concentrated among the poorest households; "
                                "0: evenly spread."),
    "card.diff": ("écart", "difference"),
    "fig.ntu_time": ("Taux de non-recours, mois par mois", "Non-take-up rate, month by month"),
    "fig.ntu_time_note": ("Bande : intervalle de confiance à 95 % sur les réplications.",
                          "Band: 95% confidence interval over replications."),
    "fig.report_window": ("période résumée", "summary window"),
    "fig.causes": ("Pourquoi ? Les causes du non-recours (typologie de l'Odenore)",
                   "Why? Causes of non-take-up (Odenore typology)"),
    "fig.groups": ("Non-recours par groupe de ménages", "Non-take-up by household group"),
    "fig.workload": ("Travail délégué : heures d'aide numérique par mois",
                     "Delegated work: digital-help hours per month"),
    "fig.sankey": ("Parcours des ménages éligibles au dernier mois",
                   "Routes of eligible households in the last month"),
    "fig.concentration": ("Courbe de concentration du non-recours selon le revenu",
                          "Concentration curve of non-take-up by income"),
    "fig.concentration_note": ("Par quintile de revenu : plus la courbe est au-dessus de la diagonale, "
                               "plus le non-recours touche les plus modestes.",
                               "By income quintile: the further above the diagonal, the more "
                               "non-take-up hits the poorest."),
    "axis.month": ("Mois", "Month"),
    "axis.rate": ("Taux de non-recours", "Non-take-up rate"),
    "axis.share_eligible": ("Part des ménages éligibles", "Share of eligible households"),
    "axis.hours": ("Heures par mois", "Hours per month"),
    "axis.cum_eligible": ("Part cumulée des ménages éligibles, des plus modestes aux plus aisés",
                          "Cumulative share of eligible households, poorest to richest"),
    "axis.cum_ntu": ("Part cumulée du non-recours", "Cumulative share of non-take-up"),
    "axis.equality": ("Répartition égale", "Even spread"),
    "fig.difference": ("L'écart avec la référence, mois par mois", "The gap with the reference, month by month"),
    "fig.difference_note": ("Différence appariée (mêmes ménages, mêmes tirages) du taux de non-recours ; bande : "
                            "intervalle de confiance à 95 % sur les réplications. Si la bande couvre 0, l'écart "
                            "n'est pas distinguable du hasard.",
                            "Paired difference (same households, same draws) of the non-take-up rate; band: 95% "
                            "confidence interval over the replications. Where the band covers 0, the gap cannot "
                            "be told from chance."),
    "axis.diff_points": ("Écart de non-recours (points)", "Gap in non-take-up (points)"),
    "axis.concentration_gap": ("Part cumulée du non-recours − part des éligibles",
                               "Cumulative share of non-take-up − share of eligible"),
    "sankey.side_reference": ("Référence : {name}", "Reference: {name}"),
    "sankey.side_other": ("Comparé : {name}", "Compared: {name}"),
    "sankey.why_route": ("Dernière démarche {route} : {outcome}", "Last attempt {route}: {outcome}"),
    "sankey.why_none.receiving": ("Aucune démarche simulée, mais perçoit : droit ouvert avant le début de la "
                                  "simulation, ou versement automatique",
                                  "No simulated attempt, yet receives: a right opened before the simulation "
                                  "began, or automatic payment"),
    "sankey.why_none.waiting": ("Aucune démarche simulée ; un dossier ouvert avant le début est en traitement",
                                "No simulated attempt; a claim opened before the start is being processed"),
    "sankey.why_none.rejected": ("Aucune démarche simulée ; un droit ouvert avant le début a été suspendu "
                                 "(déclaration non faite)",
                                 "No simulated attempt; a right opened before the start was suspended "
                                 "(declaration not made)"),
    "sankey.why_none.gave_up": ("Aucune démarche aboutie : a renoncé avant de déposer",
                                "No attempt completed: gave up before filing"),
    "sankey.why_none.not_claimed": ("N'a jamais demandé : ne connaît pas le droit, ou n'en veut pas",
                                    "Never claimed: does not know the right, or does not want it"),
    "outcome_long.receiving": ("perçoit la prestation", "receives the benefit"),
    "outcome_long.waiting": ("dossier en file d'attente ou en traitement", "claim queued or being processed"),
    "outcome_long.rejected": ("dossier rejeté (incomplet) ou versement suspendu",
                              "claim rejected (incomplete) or payment suspended"),
    "outcome_long.gave_up": ("a renoncé après un échec", "gave up after a failure"),
    "outcome_long.not_claimed": ("n'a pas (encore) déposé de demande", "has not filed a claim (yet)"),
    "sankey.legend_none": ("pas de démarche pendant les mois simulés (droit déjà ouvert, versement "
                           "automatique, ou jamais demandé)",
                           "no attempt during the simulated months (right already open, automatic payment, "
                           "or never claimed)"),
    "sankey.legend.receiving": ("la prestation est versée au dernier mois", "the benefit is paid in the last month"),
    "sankey.legend.waiting": ("la demande attend un rendez-vous ou son traitement",
                              "the claim waits for an appointment or for processing"),
    "sankey.legend.rejected": ("dossier incomplet rejeté, ou versement suspendu faute de déclaration",
                               "incomplete claim rejected, or payment suspended for want of a declaration"),
    "sankey.legend.gave_up": ("après un ou plusieurs échecs, le ménage a abandonné",
                              "after one or more failures, the household gave up"),
    "sankey.legend.not_claimed": ("éligible, mais sans demande déposée", "eligible, but no claim filed"),
    "sankey.note": ("Chaque flux va de la dernière démarche tentée vers la situation au dernier mois ; survolez "
                    "un flux pour son explication.",
                    "Each flow goes from the last attempt tried to the situation in the last month; hover a "
                    "flow for what it means."),
    "card.noise": ("non distinguable du hasard", "not distinguishable from chance"),
    "card.noise_help": ("L'intervalle de confiance à 95 % de l'écart apparié contient 0 : avec ces réplications, "
                        "on ne peut pas dire si le scénario fait mieux ou moins bien.",
                        "The paired difference's 95% confidence interval contains 0: with these replications, "
                        "one cannot tell whether the scenario does better or worse."),
    "card.same": ("identique à la référence", "identical to the reference"),
    "card.one": ("une seule réplication : pas d'intervalle", "a single replication: no interval"),
    "card.vs_ref": ("vs {ref}", "vs {ref}"),
    "card.value_of": ("{value} (référence {ref})", "{value} (reference {ref})"),
    "cmp.limit": ("Au plus {n} scénarios : retirez-en un pour en choisir un autre.",
                  "At most {n} scenarios: remove one to pick another."),
    "cmp.upload_problems": ("Fichier « {name} » refusé : {n} problème(s) à corriger",
                            "File “{name}” rejected: {n} problem(s) to fix"),
    "sankey.scenario": ("Scénario affiché", "Scenario shown"),
    "sankey.benefit": ("Prestation", "Benefit"),
    "sankey.eligible": ("Ménages éligibles", "Eligible households"),
    "sankey.online": ("En ligne", "Online"),
    "sankey.counter": ("Guichet", "Counter"),
    "sankey.phone": ("Téléphone", "Phone"),
    "sankey.no_attempt": ("Aucune démarche", "No attempt"),
    "sankey.hover": ("{n} ménages", "{n} households"),
    "help.alone": ("Seul", "Alone"),
    "help.counter_staff": ("Agent du guichet", "Counter staff"),
    "help.relatives": ("Aidé par un proche", "Helped by a relative"),
    "help.social_services": ("Aidé par les services sociaux", "Helped by social services"),
    "help.association": ("Aidé par une association", "Helped by an association"),

    # -- workshop tab ------------------------------------------------------------
    "ws.preset": ("Situation de départ", "Starting point"),
    "ws.reference": ("Comparer avec", "Compare with"),
    "ws.levers": ("Les leviers", "The levers"),
    "ws.start_note": ("Les leviers s'appliquent à partir du mois {m} ; avant, c'est la situation "
                      "de 2013.",
                      "Levers apply from month {m}; before that, it is the 2013 situation."),
    "ws.play": ("Lecture", "Play"),
    "ws.pause": ("Pause", "Pause"),
    "ws.month": ("Mois", "Month"),
    "ws.save": ("Enregistrer ces réglages", "Save these settings"),
    "ws.save_help": ("Télécharge un fichier de scénario qu'un analyste peut relancer avec "
                     "« sim run ».",
                     "Downloads a scenario file an analyst can rerun with “sim run”."),
    "ws.yours": ("Vos réglages", "Your settings"),
    "ws.kpi_ntu": ("Non-recours", "Non-take-up"),
    "ws.kpi_unclaimed": ("Droits non versés", "Unclaimed benefits"),
    "ws.kpi_hours": ("Heures d'aide au numérique", "Digital-help hours"),
    "ws.kpi_hours_help": ("Heures par mois des travailleurs sociaux et des associations pour faire "
                          "ou apprendre les démarches en ligne.",
                          "Hours per month of social workers and associations doing or teaching "
                          "online procedures."),
    "ws.kpi_month": ("au mois {m}, pour {n} ménages", "in month {m}, for {n} households"),
    "ws.kpi_vs": ("{ref} : {value}", "{ref}: {value}"),
    "ws.personas": ("Des parcours de ménages, mois par mois", "Household journeys, month by month"),
    "ws.personas_note": ("Mêmes ménages dans les deux situations : seule la politique change.",
                         "The same households in both situations: only the policy changes."),
    "ws.persona_line": ("{ref} : {ref_state} · {yours} : {your_state}",
                        "{ref}: {ref_state} · {yours}: {your_state}"),
    "ws.last_attempt": ("dernière démarche {channel}", "last attempt {channel}"),
    "ws.scenario_name": ("atelier", "workshop"),
    "ws.scenario_description": ("Réglages enregistrés depuis l'atelier du tableau de bord.",
                                "Settings saved from the dashboard workshop."),
    "ws.levers_on": ("leviers", "levers"),
    "ws.band": ("bande : IC 95 % sur {n} tirages", "band: 95% CI over {n} draws"),
    "ws.kpi_work": ("Aide déléguée", "Delegated help"),
    "ws.kpi_work_help": ("Heures par mois passées à faire ou apprendre les démarches à la place des "
                         "ménages : services sociaux, associations et France Services, proches.",
                         "Hours per month spent doing or teaching claims for households: social "
                         "services, associations and France Services, relatives."),
    "ws.kpi_households": ("Temps des ménages", "Households' own time"),
    "ws.per_month": ("/mois", "/month"),
    "ws.kpi_households_help": ("Heures par mois que les ménages passent sur leurs démarches : trajets, "
                               "démarches échouées, attente, recherche d'une aide.",
                               "Hours per month households spend on their claims: travel, failed "
                               "attempts, waiting, looking for help."),
    "ws.kpi_unclaimed_help": ("Montant mensuel des prestations dues et non versées, pour les "
                              "{n} ménages simulés.",
                              "Monthly amount of benefits due and not paid, for the {n} simulated "
                              "households."),
    "ws.kpi_ntu_help": ("Part des ménages éligibles qui ne perçoivent pas la prestation (toutes "
                        "prestations).",
                        "Share of eligible households not receiving the benefit (all benefits)."),
    "ws.vs": ("vs {ref}", "vs {ref}"),
    "ws.noise": ("non distinguable du hasard", "not distinguishable from chance"),
    "ws.noise_help": ("L'intervalle à 95 % de l'écart apparié (mêmes ménages, mêmes tirages) "
                      "contient zéro : cet écart peut venir du seul hasard de la simulation.",
                      "The 95% interval of the paired difference (same households, same draws) "
                      "includes zero: this difference may come from the simulation's chance alone."),
    "ws.same": ("identique à {ref}", "same as {ref}"),
    "ws.pending": ("incertitude : {n}/{r} tirages…", "uncertainty: {n}/{r} draws…"),
    "ws.window": ("moyenne des mois {a} à {b} · {r} tirages · {n} ménages",
                  "mean of months {a} to {b} · {r} draws · {n} households"),
    "ws.view": ("Afficher", "Show"),
    "ws.view_journeys": ("Parcours", "Journeys"),
    "ws.view_why": ("Pourquoi ?", "Why?"),
    "ws.view_work": ("Où va le travail ?", "Where the work goes"),
    "ws.curve": ("Non-recours, mois par mois", "Non-take-up, month by month"),
    "ws.why_title": ("Pourquoi ? Les causes du non-recours (Odenore), mois {a} à {b}",
                     "Why? Causes of non-take-up (Odenore), months {a} to {b}"),
    "ws.work_title": ("Où va le travail ? Heures par mois, mois {a} à {b}",
                      "Where the work goes: hours per month, months {a} to {b}"),
    "ws.work_social_services": ("Services sociaux", "Social services"),
    "ws.work_associations": ("Associations, France Services", "Associations, France Services"),
    "ws.work_relatives": ("Proches", "Relatives"),
    "ws.work_households": ("Ménages eux-mêmes", "Households themselves"),
    "ws.work_facts": ("Demandes d'aide refusées : {ta_ref} → {ta} par mois · orientations vers une "
                      "association : {rf_ref} → {rf} par mois",
                      "Help requests turned away: {ta_ref} → {ta} per month · referrals to an "
                      "association: {rf_ref} → {rf} per month"),
    "ws.part_social_services": ("services sociaux", "social services"),
    "ws.part_associations": ("associations", "associations"),
    "ws.part_relatives": ("proches", "relatives"),
    "ws.part_travel": ("trajets", "travel"),
    "ws.part_failed_attempts": ("échecs", "failures"),
    "ws.part_waiting": ("attente", "waiting"),
    "ws.part_seeking_help": ("recherche d'aide", "finding help"),
    "ws.row_reference": ("Réf.", "Ref."),
    "ws.row_yours": ("Vous", "You"),
    "ws.legend_fail": ("démarche échouée", "failed attempt"),
    "ws.changed_count": ("{n} parcours changé(s)", "{n} journey(s) changed"),
    "status_short.not_eligible": ("pas de droit", "not eligible"),
    "status_short.unaware": ("ne connaît pas", "unaware"),
    "status_short.not_claimed": ("ne demande pas", "not claiming"),
    "status_short.queued": ("attend une aide", "waiting for help"),
    "status_short.processing": ("dossier en cours", "being processed"),
    "status_short.receiving": ("perçoit", "receives"),
    "status_short.suspended": ("suspendu", "suspended"),
    "status_short.rejected": ("rejeté", "rejected"),
    "status_short.gave_up": ("a renoncé", "gave up"),
    "letter.online_alone": ("E", "O"),
    "letter.online_relative": ("P", "R"),
    "letter.counter": ("G", "C"),
    "letter.phone": ("T", "P"),
    "letter.social_services": ("S", "S"),
    "letter.association": ("A", "A"),
    "why.colon": (" : ", ": "),
    "why.route.online_alone": ("en ligne seul", "online alone"),
    "why.route.online_alone.f": ("en ligne seule", "online alone"),
    "why.route.online_relative": ("en ligne avec un proche", "online with a relative"),
    "why.route.counter": ("guichet", "counter"),
    "why.route.phone": ("téléphone", "phone"),
    "why.route.social_services": ("CCAS (travailleur social)", "social worker"),
    "why.route.association": ("association", "association"),
    "why.closed.counter": ("guichet fermé", "counter closed"),
    "why.closed.online_only": ("plus de guichet (100 % en ligne)", "no counter any more (online only)"),
    "why.closed.phone": ("plus de téléphone", "no phone any more"),
    "why.closed.email": ("e-mail exigé, sans adresse", "e-mail required, has none"),
    "why.reason.attempt_failed": ("échec", "failed"),
    "why.reason.turned_away": ("refusé faute de place", "turned away, no room"),
    "why.reason.incomplete": ("dossier incomplet", "incomplete file"),
    "why.reason.lost_access": ("accès perdu (codes gardés par un tiers)", "access lost (codes kept by someone)"),
    "why.status.receiving": ("perçoit au mois {m}", "paid from month {m}"),
    "why.status.rejected": ("dossier rejeté au mois {m}", "claim rejected in month {m}"),
    "why.status.suspended": ("versement suspendu au mois {m}", "payment suspended in month {m}"),
    "why.status.gave_up": ("renonce au mois {m}", "gives up in month {m}"),
    "why.final.not_eligible": ("n'a plus de droit", "no longer eligible"),
    "why.final.unaware": ("ne connaît toujours pas son droit", "still unaware of the right"),
    "why.final.not_claimed": ("ne demande pas", "does not claim"),
    "why.final.queued": ("attend toujours une aide", "still waiting for help"),
    "why.final.processing": ("dossier en cours", "claim being processed"),
    "why.final.receiving": ("perçoit la prestation", "receives the benefit"),
    "why.final.suspended": ("versement suspendu", "payment suspended"),
    "why.final.rejected": ("dossier rejeté", "claim rejected"),
    "why.final.gave_up": ("a renoncé", "gave up"),
    "why.same": ("Même parcours dans les deux situations.", "Same journey in both situations."),
    "why.chance": ("Mêmes routes ouvertes, autre tirage (hasard) :", "Same routes open, other draws (chance):"),
    "legend.online_alone": ("en ligne", "online"),
    "legend.online_relative": ("avec un proche", "with a relative"),
    "legend.counter": ("guichet", "counter"),
    "legend.phone": ("téléphone", "phone"),
    "legend.social_services": ("travailleur social", "social worker"),
    "legend.association": ("association", "association"),
    "ws.levers_help": ("Les leviers s'appliquent à partir du mois {m} (ligne pointillée) ; avant, "
                       "c'est la situation de 2013 dans les deux cas.",
                       "Levers apply from month {m} (dotted line); before that, both situations are "
                       "the 2013 one."),
    "benefit_short.aspa": ("minimum vieillesse", "old-age minimum"),
    "benefit_short.prime_activite": ("prime d'activité", "in-work benefit"),
    "benefit_short.rsa": ("RSA", "minimum income"),
    "benefit_short.housing_benefit": ("aide au logement", "housing benefit"),
    "preset.p2013": ("2013 : avant le tout-numérique", "2013: before digital by default"),
    "preset.p2016": ("2016 : prime d'activité 100 % en ligne", "2016: prime d'activité online only"),
    "preset.closure": ("Fermeture des guichets", "Counters closing"),
    "preset.france_services": ("France Services : plus de médiation",
                               "France Services: more mediation"),
    "preset.automatic": ("Solidarité à la source", "Automatic payment"),
    "preset_short.p2013": ("2013", "2013"),
    "preset_short.p2016": ("2016", "2016"),
    "preset_short.closure": ("Guichets fermés", "Counters closed"),
    "preset_short.france_services": ("France Services", "France Services"),
    "preset_short.automatic": ("Versement auto.", "Automatic payment"),
    "lever.closure": ("Guichets fermés", "Counters closed"),
    "lever.closure_help": ("Part des guichets de la CAF fermés, ceux des villages d'abord.",
                           "Share of agency counters closed, village counters first."),
    "lever.online_only": ("Prime d'activité 100 % en ligne", "In-work benefit (prime d'activité) online only"),
    "lever.email": ("Adresse e-mail obligatoire", "E-mail address required"),
    "lever.alternative": ("Accueil sans rendez-vous gardé pour les plus fragiles",
                          "Walk-in route kept for the most vulnerable"),
    "lever.automatic": ("Versement automatique, sans demande", "Automatic payment, no claim needed"),
    "lever.mediation": ("Médiation numérique", "Digital mediation"),
    "lever.mediation_help": ("Heures par mois des associations et de France Services, pour "
                             "10 000 ménages.",
                             "Hours per month of associations and France Services, per 10,000 "
                             "households."),
    "lever.mode": ("Les médiateurs…", "Mediators…"),
    "mode.keep": ("font surtout à la place", "mostly do it for people"),
    "mode.do_for": ("font toujours à la place", "always do it for people"),
    "mode.teach": ("apprennent à faire", "teach people to do it"),
    "persona.jeanne": ("Jeanne", "Jeanne"),
    "persona.karim": ("Karim", "Karim"),
    "persona.sandra": ("Sandra", "Sandra"),
    "persona.michel": ("Michel", "Michel"),
    "persona.nadia": ("Nadia", "Nadia"),
    "persona.age": ("{age} ans", "aged {age}"),
    "persona.type.alone": ("vit seul", "lives alone"),
    "persona.type.alone.f": ("vit seule", "lives alone"),
    "persona.type.couple": ("en couple", "in a couple"),
    "persona.type.single_parent": ("père seul", "single father"),
    "persona.type.single_parent.f": ("mère seule", "single mother"),
    "persona.type.couple_children": ("en couple avec enfants", "couple with children"),
    "persona.territory.large_city": ("grande ville", "in a city"),
    "persona.territory.small_town": ("petite ville", "in a small town"),
    "persona.territory.rural": ("village", "in a village"),
    "persona.equipment.none": ("ni ordinateur ni smartphone", "no computer, no smartphone"),
    "persona.equipment.smartphone": ("smartphone seulement", "smartphone only"),
    "persona.equipment.computer": ("ordinateur", "has a computer"),
    "persona.diploma.none": ("sans diplôme", "no diploma"),
    "persona.diploma.secondary": ("diplôme du secondaire", "secondary education"),
    "persona.diploma.higher": ("diplômé du supérieur", "university degree"),
    "persona.diploma.higher.f": ("diplômée du supérieur", "university degree"),
    "persona.helpers.none": ("personne pour l'aider", "nobody to help"),
    "persona.helpers.some": ("des proches pour l'aider", "relatives who can help"),

    # -- sweeps tab ----------------------------------------------------------------
    "sw.dir": ("Dossier de résultats", "Results folder"),
    "sw.dir_help": ("Dossiers trouvés sous {root} (seuls ceux-là peuvent être ouverts).",
                    "Folders found under {root} (only these can be opened)."),
    "sw.refresh": ("Actualiser la liste", "Refresh the list"),
    "sw.none": ("Aucun résultat de balayage sous {root}. Lancez par exemple "
                "« sim sweep FICHIER.yaml --out {root}/NOM », puis « Actualiser la liste » ; ou ouvrez "
                "un autre dossier : sim dashboard --results CHEMIN.",
                "No sweep results under {root}. Run for instance "
                "“sim sweep FILE.yaml --out {root}/NAME”, then “Refresh the list”; or open another "
                "folder: sim dashboard --results PATH."),
    "sw.pick": ("Choisissez un dossier de résultats.", "Pick a results folder."),
    "sw.metric": ("Indicateur", "Metric"),
    "sw.x": ("Paramètre en abscisse", "Parameter on the x axis"),
    "sw.y": ("Paramètre en ordonnée", "Parameter on the y axis"),
    "sw.heatmap": ("Moyenne sur les réplications", "Mean over replications"),
    "sw.runs": ("exécutions", "runs"),
    "sw.loaded": ("{rows} exécutions, {points} points, {params} paramètres",
                  "{rows} runs, {points} points, {params} parameters"),
    "sw.error": ("Impossible de lire ce dossier : {msg}", "Cannot read this folder: {msg}"),
    "sw.no_params": ("Aucun paramètre balayé reconnu dans ces résultats.",
                     "No swept parameter found in these results."),
    "sw.sensitivity": ("Indices de sensibilité (barres : IC 95 %)",
                       "Sensitivity indices (bars: 95% CI)"),
    "sw.no_sensitivity": ("Pas d'indices de sensibilité pour cet indicateur (lancez "
                          "« sim sweep … --analyse »).",
                          "No sensitivity indices for this metric (run “sim sweep … --analyse”)."),
    "sw.S1": ("Sobol, premier ordre (S1)", "Sobol, first order (S1)"),
    "sw.ST": ("Sobol, total (ST)", "Sobol, total (ST)"),
    "sw.mu_star": ("Morris, effet moyen absolu (μ*)", "Morris, mean absolute effect (μ*)"),
    "sw.sigma": ("Morris, dispersion (σ)", "Morris, spread (σ)"),
    "sw.dir_how": ("Le tableau de bord lit les dossiers écrits par « sim sweep … --out DOSSIER » sous "
                   "{root}. Pour en lire d'autres : sim dashboard --results CHEMIN (ou la variable "
                   "SIM_DASHBOARD_RESULTS=CHEMIN), puis « Actualiser la liste ».",
                   "The dashboard reads the folders written by “sim sweep … --out FOLDER” under {root}. "
                   "To read others: sim dashboard --results PATH (or the variable "
                   "SIM_DASHBOARD_RESULTS=PATH), then “Refresh the list”."),
    "sw.title.factorial": ("Décomposition de la variance sur la grille factorielle (ANOVA)",
                           "Variance decomposition over the factorial grid (ANOVA)"),
    "sw.title.sobol": ("Indices de Sobol", "Sobol indices"),
    "sw.title.morris": ("Effets élémentaires de Morris (criblage)", "Morris elementary effects (screening)"),
    "sw.title.lhs": ("Indices de premier ordre RBD-FAST (hypercube latin)",
                     "RBD-FAST first-order indices (Latin hypercube)"),
    "sw.title.unknown": ("Indices de sensibilité", "Sensitivity indices"),
    "sw.method.factorial": ("Part de la variance de l'indicateur due à chaque paramètre sur les {points} "
                            "points de la grille ; barres : IC 95 % par bootstrap sur les {r} réplications.",
                            "Share of the metric's variance due to each parameter over the {points} grid "
                            "points; bars: 95% CI, bootstrap over the {r} replications."),
    "sw.method.sobol": ("Estimateurs de Saltelli (SALib) sur {points} points, {r} réplications chacun ; "
                        "barres : IC 95 % par bootstrap.",
                        "Saltelli estimators (SALib) over {points} points, {r} replications each; "
                        "bars: 95% bootstrap CI."),
    "sw.method.morris": ("Effets élémentaires (SALib) sur {points} points, {r} réplications chacun ; "
                         "barres : IC 95 % par bootstrap sur μ*.",
                         "Elementary effects (SALib) over {points} points, {r} replications each; "
                         "bars: 95% bootstrap CI on μ*."),
    "sw.method.lhs": ("RBD-FAST (SALib) sur {points} points, {r} réplications chacun ; barres : IC 95 % "
                      "par bootstrap.",
                      "RBD-FAST (SALib) over {points} points, {r} replications each; bars: 95% bootstrap CI."),
    "sw.method.unknown": ("{points} points, {r} réplications.", "{points} points, {r} replications."),
    "sw.few.replications": ("Attention : {have} réplications seulement ({need} au moins conseillées) — les "
                            "intervalles par bootstrap sont trop étroits ou collés à l'estimation.",
                            "Warning: only {have} replications (at least {need} advised) — the bootstrap "
                            "intervals are too narrow or stuck to the estimate."),
    "sw.few.samples": ("Attention : {have} échantillons de base seulement ({need} au moins conseillés) — "
                       "les indices de Sobol et leurs intervalles sont peu fiables.",
                       "Warning: only {have} base samples (at least {need} advised) — the Sobol indices "
                       "and their intervals are unreliable."),
    "sw.few.trajectories": ("Attention : {have} trajectoires seulement ({need} au moins conseillées) — le "
                            "criblage de Morris est peu fiable.",
                            "Warning: only {have} trajectories (at least {need} advised) — the Morris "
                            "screening is unreliable."),
    "sw.few.points": ("Attention : {have} points seulement ({need} au moins conseillés) — les indices "
                      "RBD-FAST sont peu fiables.",
                      "Warning: only {have} points (at least {need} advised) — the RBD-FAST indices are "
                      "unreliable."),
    "sw.degenerate": ("Certains intervalles ont l'estimation sur une de leurs bornes : trop peu de tirages "
                      "pour les lire.",
                      "Some intervals have the estimate on one of their ends: too few draws to read them."),
    "sw.factorial.S1": ("Effet principal (S1)", "Main effect (S1)"),
    "sw.factorial.ST": ("Effet principal et interactions (ST)", "Main effect and interactions (ST)"),
    "sw.lhs.S1": ("Premier ordre (S1)", "First order (S1)"),
    "sw.index_share": ("Part de la variance de « {unit} » (0 à 1)", "Share of the variance of “{unit}” (0 to 1)"),
    "sw.index_mu": ("Effet moyen sur « {unit} »", "Mean effect on “{unit}”"),
    "sw.reason.0": ("ce n'est pas un dossier de résultats sous la racine configurée.",
                    "not a results folder under the configured root."),
    "sw.reason.1": ("en dehors de la racine configurée.", "outside the configured root."),
    "sw.reason.2": ("aucun fichier de résultats Parquet.", "no Parquet result files."),
    "sw.reason.other": ("fichiers de résultats illisibles ou trop gros.", "unreadable or too large result files."),
    "sw.index": ("Indice", "Index"),
    "sw.parameter": ("Paramètre", "Parameter"),
}


def _pair(key: str) -> tuple[str, str] | None:
    if key in TABLE:
        return TABLE[key]
    if key in present.LABELS:
        return present.LABELS[key]
    if key.startswith("metric."):
        m = present.metric(key[len("metric."):])
        return m.fr, m.en
    return None


def t(key: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """The text of ``key`` in ``lang``, with ``{fields}`` filled in.

    An unknown key is a programming error and raises ``KeyError`` (tests catch it).
    """
    pair = _pair(key)
    if pair is None:
        raise KeyError(key)
    text = pair[0 if lang != "en" else 1]
    return text.format(**fields) if fields else text


def _round3(x: float) -> float:
    """Three significant digits: what a room reads on a projector (632 027 -> 632 000)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, -int(math.floor(math.log10(abs(x)))) + 2)


def compact(key: str, x: float, lang: str, diff: bool = False, unit: bool = True) -> str:
    """A headline number of metric ``key``: rates as ``38,0 %`` (a difference ``+3,1 pts``,
    the shared formats with one decimal); euros and hours to three significant digits with
    ``€`` or ``h`` (the tile or card says "per month")."""
    u = present.metric(key).unit
    if u is present.RATE:
        return present.value(key, x, lang, diff=diff, digits=1, unit=unit)
    if u is present.INDEX:
        return present.value(key, x, lang, diff=diff, unit=unit)
    body = present.number(_round3(x), lang, 0, sign=diff)
    if not unit:
        return body
    return f"{body}{NBSP}{'€' if u is present.EUROS else 'h'}"


def compact_ci(key: str, ci, lang: str) -> str:
    """``[+2,1 ; +4,5]``: a difference's interval, clipped to its range, numbers only."""
    if not ci or ci[0] is None or ci[1] is None:
        return ""
    lo, hi = present.clip(key, ci[0], ci[1], diff=True)
    sep = f"{NNBSP}; " if lang != "en" else "; "
    return f"[{compact(key, lo, lang, True, False)}{sep}{compact(key, hi, lang, True, False)}]"


def dropdown_labels(lang: str) -> dict:
    """Texts inside ``dcc.Dropdown`` (Dash 4 ``labels`` prop), from this table."""
    keys = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
            "no_options_found")
    return {k: t(f"dd.{k}", lang) for k in keys}


def has(key: str) -> bool:
    return key in TABLE or key in present.LABELS


def label(prefix: str, name: str, lang: str) -> str:
    """Translated label of an engine category (``prefix.name``), or the raw name."""
    key = f"{prefix}.{name}"
    if prefix == "metric":
        return present.metric_label(name, lang)
    return t(key, lang) if has(key) else name


def french_strings() -> list[str]:
    """French texts shown by the dashboard that differ from their English text (for the
    language test): its own table and the shared vocabulary's categories."""
    pairs = list(TABLE.values()) + list(present.LABELS.values())
    return [fr for fr, en in pairs if fr != en]
