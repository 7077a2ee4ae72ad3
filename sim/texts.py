"""The sentences of the command line and the HTML report, in French and English.

:func:`text` fills a sentence of :data:`TEXTS` in a language; :func:`error` renders
an input error's one line in French when it is one of the common ones
(:data:`ERRORS_FR`), keeping its ``FILE: FIELD:`` frame.  The words and numbers inside
(metric labels, units, formats) come from :mod:`sim.present`.
"""

from __future__ import annotations

import re
from typing import Any

from .present import DEFAULT_LANG, param_unit

TEXTS: dict[str, tuple[str, str]] = {
    "metric": ("indicateur", "metric"),
    "mean_ci": ("moyenne [IC 95 %] sur les {m} derniers mois",
                "mean [95% CI] over the last {m} months"),
    "run.banner": ("{scenario} : {households} ménages, {months} mois, {replications} "
                   "réplication(s), graine {seed} ({seconds} s)",
                   "{scenario}: {households} households, {months} months, {replications} "
                   "replication(s), seed {seed} ({seconds} s)"),
    "run.written": ("résultats écrits dans {out}/", "results written to {out}/"),
    "run.national": ("En termes nationaux : {name}, {households} ménages représentés ({source}) ; "
                     "flux annuels = mois moyen × 12",
                     "In national terms: {name}, {households} households represented ({source}); "
                     "yearly flows = mean month × 12"),
    "run.ledger": ("Qui paie ? Coût par an pour la population représentée (coûts unitaires : "
                   "section costs, docs/parameters.md ; temps des ménages et des proches au SMIC "
                   "net horaire, une convention)",
                   "Who pays? Cost a year for the population represented (unit costs: the costs "
                   "section, docs/parameters.md; households' and relatives' time at the net "
                   "hourly minimum wage, a convention)"),
    "run.resuming": ("reprise : {done} exécution(s) sur {total} déjà dans {out}",
                     "resuming: {done} of {total} run(s) already in {out}"),
    "demo.banner": ("{households} ménages, {replications} réplications, même graine "
                    "(nombres aléatoires communs) ; moyenne [IC 95 %]",
                    "{households} households, {replications} replications, same seed "
                    "(common random numbers); mean [95% CI]"),
    "validate.ok": ("{file} : valide", "{file}: ok"),
    "population.written": ("{n} ménages de {scenario} (graine {seed}, réplication {replication}) "
                           "écrits dans {out}",
                           "{n} households of {scenario} (seed {seed}, replication "
                           "{replication}) written to {out}"),
    "interrupted": ("interrompu", "interrupted"),
    "at_least_1": ("--{name} doit valoir au moins 1", "--{name} must be at least 1"),
    "cmp.banner": ("{names} : {households} ménages, {replications} réplication(s), graine {seed}, "
                   "nombres aléatoires communs",
                   "{names}: {households} households, {replications} replication(s), seed "
                   "{seed}, common random numbers"),
    "cmp.method": ("moyenne [IC 95 %] sur les mois résumés ; B − A : intervalle de Student "
                   "apparié sur les écarts par réplication, et intervalle de Welch non apparié",
                   "mean [95% CI] over the report months; B − A: paired t-interval on "
                   "per-replication differences, and unpaired Welch interval"),
    "cmp.paired": ("B − A apparié", "B − A paired"),
    "cmp.unpaired": ("B − A non apparié", "B − A unpaired"),
    "cmp.pair": ("A = {a}, B = {b}", "A = {a}, B = {b}"),
    "cmp.ledger": ("Qui paie ? A = {a}, B = {b} : coût par an pour la population représentée, "
                   "écart B − A apparié",
                   "Who pays? A = {a}, B = {b}: cost a year for the population represented, "
                   "paired difference B − A"),
    "cmp.note": ("{metric}, {b} − {a} : {diff} ; IC 95 % apparié {paired} (demi-largeur {hp}) "
                 "contre non apparié {unpaired} (demi-largeur {hu}) : {ratio}",
                 "{metric}, {b} − {a}: {diff}; paired 95% CI {paired} (half-width {hp}) vs "
                 "unpaired {unpaired} (half-width {hu}): {ratio}"),
    "cmp.narrower": ("intervalle apparié {x} fois plus étroit", "paired interval {x}x narrower"),
    "cmp.zero_width": ("l'intervalle apparié est de largeur nulle", "paired interval has zero width"),
    "cmp.width_ratio": ("rapport de largeur apparié / non apparié {x}",
                        "paired/unpaired width ratio {x}"),
    "cmp.unpaired_zero": ("l'intervalle non apparié est de largeur nulle",
                          "unpaired has zero width"),
    "cmp.need_two": ("{metric} : les intervalles demandent au moins 2 réplications",
                     "{metric}: intervals need at least 2 replications"),
    "cmp.precision": ("  pour une demi-largeur de {target} : {n_p} réplications appariées (écart-type "
                      "des écarts {sd}), {n_u} par scénario sans appariement",
                      "  for a half-width of {target}: {n_p} replications paired (sd of "
                      "differences {sd}), {n_u} per scenario unpaired"),
    "cmp.precision_head": ("réplications nécessaires pour un IC 95 % de demi-largeur égale à 10 % "
                           "de l'écart", "replications for a 95% CI half-width of 10% of the "
                           "difference"),
    "cmp.sd": ("écart-type apparié", "paired sd"),
    "cmp.n_paired": ("n apparié", "n paired"),
    "cmp.n_unpaired": ("n non apparié", "n unpaired"),
    "sweep.banner": ("{name} : plan {design}, {points} points × {replications} réplication(s) = "
                     "{runs} exécutions, {where} ; graine {seed}",
                     "{name}: {design} design, {points} points x {replications} replication(s) = "
                     "{runs} runs, {where}; seed {seed}"),
    "opt.banner": ("{name} : {levers} leviers, {objectives} objectifs, NSGA-II {population} × "
                   "{generations} générations, {replications} réplication(s) par mélange, graine "
                   "{seed} ; budget {budget} par rapport au scénario de base",
                   "{name}: {levers} levers, {objectives} objectives, NSGA-II {population} x "
                   "{generations} generations, {replications} replication(s) per mix, seed {seed}; "
                   "budget {budget} over the base scenario"),
    "opt.generation": ("génération {g}/{n} : {points} mélanges", "generation {g}/{n}: {points} mixes"),
    "opt.front": ("Front de Pareto : {n} mélange(s) non dominé(s) dans le budget ({budget}) ; "
                  "réévalués avec {r} réplications (graine {seed}) : valeur, puis écart au scénario "
                  "de base [IC 95 % apparié]",
                  "Pareto front: {n} non-dominated mix(es) within the budget ({budget}); "
                  "re-evaluated with {r} replications (seed {seed}): value, then difference from "
                  "the base scenario [paired 95% CI]"),
    "sweep.serial": ("dans ce processus", "in this process"),
    "sweep.processes": ("{n} processus", "{n} processes"),
    "sweep.dask": ("Dask à {address} ({threads} fils)", "Dask at {address} ({threads} threads)"),
    "sens.head": ("{metric} : {method} ({points} points × {replications} réplication(s))",
                  "{metric}: {method} ({points} points x {replications} replication(s))"),
    "sens.parameter": ("paramètre", "parameter"),
    "sens.S1": ("S1 premier ordre [IC 95 %]", "S1 first-order [95% CI]"),
    "sens.ST": ("ST total [IC 95 %]", "ST total [95% CI]"),
    "sens.S1_only": ("S1 [IC 95 %]", "S1 [95% CI]"),
    "sens.mu_star": ("mu* [IC 95 %]", "mu* [95% CI]"),
    "report.written": ("rapport écrit dans {out}", "report written to {out}"),
    "schema.written": ("schéma écrit dans {out}", "schema written to {out}"),
    # -- HTML report and its figures
    "rep.run_title": ("Simulation : {name}", "Run: {name}"),
    "rep.compare_title": ("Comparaison : {names}", "Comparison: {names}"),
    "rep.sweep_title": ("Balayage : {name}", "Sweep: {name}"),
    "rep.run_note": ("{r} réplication(s). Moyennes et intervalles de confiance à 95 % (Student) sur "
                     "les réplications, ramenés dans le domaine de chaque indicateur (un taux reste "
                     "entre 0 et 100 %).",
                     "{r} replication(s). Means and 95% Student t-intervals over replications, "
                     "clipped to each metric's range (a rate stays within 0-100%)."),
    "rep.compare_note": ("{r} réplications par scénario avec des nombres aléatoires communs (la "
                         "réplication r de chaque scénario a la même population synthétique et les "
                         "mêmes tirages). Moyennes et intervalles de confiance à 95 % (Student) sur "
                         "les réplications, ramenés dans le domaine de chaque indicateur ; écarts "
                         "B − A : intervalle apparié sur les écarts par réplication, et intervalle "
                         "non apparié de Welch pour comparaison.",
                         "{r} replications per scenario with common random numbers (replication r "
                         "of every scenario shares its synthetic population and random streams). "
                         "Means and 95% Student t-intervals over replications, clipped to each "
                         "metric's range; differences B − A: paired t-interval on per-replication "
                         "differences, and Welch's unpaired interval for reference."),
    "rep.sweep_note": ("Plan {design} sur {k} paramètre(s), {points} points × {r} réplication(s), "
                       "scénario de base {base}. La réplication r de chaque point partage ses "
                       "tirages. Moyennes et intervalles de confiance à 95 % (Student) sur les "
                       "réplications.",
                       "{design} design over {k} parameter(s), {points} points × {r} "
                       "replication(s), base scenario {base}. Replication r of every point shares "
                       "its random numbers. Means and 95% Student t-intervals over replications."),
    "rep.key": ("Indicateurs principaux", "Key metrics"),
    "rep.differences": ("Écarts", "Differences"),
    "rep.optimise_title": ("Recherche de politiques : {name}", "Policy search: {name}"),
    "rep.optimise_note": ("NSGA-II (optuna), {population} mélanges × {generations} générations, "
                          "{r} réplication(s) par mélange avec les mêmes graines que le scénario de "
                          "base ; coût d'un mélange : écart du financement public par an "
                          "(capacités offertes et programmes, aux coûts unitaires du registre des "
                          "coûts), budget {budget}. Les mélanges non dominés dans le budget sont "
                          "réévalués avec {rr} réplications et de nouvelles graines : valeur, et "
                          "écart au scénario de base [IC 95 % apparié].",
                          "NSGA-II (optuna), {population} mixes × {generations} generations, {r} "
                          "replication(s) per mix with the base scenario's seeds; a mix's cost: its "
                          "change of public funding a year (capacities on offer and programmes, at "
                          "the cost ledger's unit costs), budget {budget}. The non-dominated mixes "
                          "within budget are re-evaluated with {rr} replications and fresh seeds: "
                          "value, and difference from the base scenario [paired 95% CI]."),
    "rep.front": ("Front de Pareto", "Pareto front"),
    "rep.levers": ("Leviers", "Levers"),
    "rep.ledger": ("Qui paie ? En termes nationaux", "Who pays? In national terms"),
    "rep.ledger_note": ("Chiffres annuels pour la population représentée (section represented "
                        "du scénario ; par défaut la France, métropole et outre-mer, l'année de la "
                        "législation) : mois moyen de la période résumée × 12. Coûts unitaires et "
                        "sources : section costs, docs/parameters.md ; la caisse paie les heures "
                        "d'ouverture de ses guichets et de son téléphone, les services sociaux et "
                        "les associations les heures d'aide données ; le temps des ménages et des "
                        "proches est valorisé au SMIC net horaire, une convention.",
                        "Yearly figures for the population represented (the scenario's represented "
                        "section; by default France, metropolitan and overseas, in the "
                        "legislation's year): the report window's mean month × 12. Unit costs and "
                        "sources: the costs section, docs/parameters.md; the agency pays its "
                        "counters' and phone line's staffed hours, social services and "
                        "associations the hours of help they give; households' and relatives' "
                        "time is valued at the net hourly minimum wage, a convention."),
    "rep.cap_waterfall": ("Chaque barre : ce qu'un payeur économise (vers le bas) ou paie en plus "
                          "(vers le haut), en M€ par an ; la dernière, le total hors prestations. "
                          "Les droits non versés, un transfert, sont à part.",
                          "Each bar: what a bearer saves (down) or pays on top (up), in M€ a year; "
                          "the last one, the total without benefits. Unclaimed benefits, a "
                          "transfer, stand apart."),
    "rep.paired_ci": ("IC 95 % apparié", "paired 95% CI"),
    "rep.unpaired_ci": ("IC 95 % non apparié", "unpaired 95% CI"),
    "rep.width_ratio": ("largeur non apparié / apparié", "unpaired / paired width"),
    "rep.figures": ("Graphiques", "Figures"),
    "rep.provenance": ("Provenance", "Provenance"),
    "rep.parameters": ("Paramètres", "Parameters"),
    "rep.values": ("valeurs", "values"),
    "rep.path": ("chemin", "path"),
    "rep.steps": ("{n} pas", "{n} steps"),
    "rep.points": ("Points selon {metric}", "Points by {metric}"),
    "rep.extremes": ("Les dix points les plus bas et les dix plus hauts selon {metric}",
                     "Ten lowest and ten highest points by {metric}"),
    "rep.point": ("point", "point"),
    "rep.point_n": ("point {p}", "point {p}"),
    "rep.no_sensitivity": ("Pas d'analyse de sensibilité : {err}", "No sensitivity analysis: {err}"),
    "rep.load": ("Charger les données avec pandas : {code} ; voir docs/experiments.md.",
                 "Load the data with pandas: {code}; see docs/experiments.md."),
    "rep.cap_forest": ("Chaque écart avec son intervalle apparié (nombres aléatoires communs) et son "
                       "intervalle non apparié : l'apparié est plus étroit quand les scénarios "
                       "partagent populations et tirages.",
                       "Each difference with its paired interval (common random numbers) and its "
                       "unpaired interval: the paired one is narrower when the scenarios share "
                       "populations and random streams."),
    "rep.cap_ts": ("Zone colorée : IC 95 % sur les réplications, mois par mois. Les indicateurs "
                   "résumés font la moyenne des mois après la ligne pointillée.",
                   "Shaded: 95% t-interval over replications, month by month. Summary metrics "
                   "average the months after the dotted line."),
    "rep.cap_causes": ("Typologie de l'Odenore : chaque ménage éligible sans la prestation est dans "
                       "une seule cause ; les quatre font le taux de non-recours.",
                       "ODENORE typology: every eligible non-recipient is in exactly one cause; "
                       "the four add up to the non-take-up rate."),
    "rep.cap_workload": ("Heures d'aide numérique des services sociaux, des associations / points "
                         "de médiation et des proches.",
                         "Hours of digital help given by social services, associations / "
                         "mediation points and relatives."),
    "rep.cap_sensitivity": ("{method}. Barres : estimations ; moustaches : intervalles de confiance "
                            "à 95 %.", "{method}. Bars: point estimates; whiskers: 95% confidence "
                            "intervals."),
    "rep.cap_main": ("Points : chaque point du plan (moyenne des réplications, IC 95 %) ; ligne : "
                     "moyenne par niveau du paramètre (classes de quantiles pour les plans "
                     "échantillonnés).",
                     "Dots: every point (mean over replications, 95% CI); line: mean by level of "
                     "the parameter (quantile bins for sampled designs)."),
    "prov.kind": ("type", "kind"),
    "prov.name": ("nom", "name"),
    "prov.version": ("version du paquet", "package version"),
    "prov.points": ("points", "points"),
    "prov.replications": ("réplications par point", "replications per point"),
    "prov.seed": ("graine racine", "root seed"),
    "prov.seeds": ("graines", "seeds"),
    "prov.plan": ("empreinte du plan (SHA-256)", "plan hash (SHA-256)"),
    "prov.created": ("créé le", "created"),
    "prov.status": ("état", "status"),
    "prov.executors": ("exécuteurs", "executors"),
    "prov.command": ("commande", "command"),
    "fig.ts": ("Taux de non-recours par mois (moyenne et IC 95 % sur les réplications)",
               "Non-take-up rate by month (mean and 95% CI over replications)"),
    "fig.ts_points": ("Taux de non-recours par mois : points le plus bas, médian et le plus haut "
                      "(moyenne et IC 95 %)", "Non-take-up rate by month: lowest, median and "
                      "highest points (mean and 95% CI)"),
    "fig.month": ("mois", "month"),
    "fig.waterfall_diff": ("Qui paie ? Écart de coût par an, par payeur (B − A, IC 95 % apparié)",
                           "Who pays? Change in cost a year, by bearer (B − A, paired 95% CI)"),
    "fig.waterfall": ("Qui paie ? Coût par an, par payeur (IC 95 %)",
                      "Who pays? Cost a year, by bearer (95% CI)"),
    "fig.meuros_year": ("M€ par an", "M€ a year"),
    "fig.pareto": ("Mélanges essayés : coût par an et {metric} ; front de Pareto réévalué (IC 95 % apparié)",
                   "Mixes tried: cost a year and {metric}; the re-evaluated Pareto front (paired 95% CI)"),
    "fig.cost_axis": ("coût par an par rapport au scénario de base (M€)",
                      "cost a year over the base scenario (M€)"),
    "fig.infeasible": ("hors budget", "over budget"),
    "fig.feasible": ("dans le budget", "within budget"),
    "fig.front": ("front de Pareto (réévalué)", "Pareto front (re-evaluated)"),
    "fig.budget": ("budget", "budget"),
    "fig.waterfall_pair": ("Qui paie ? {b} − {a} : écart de coût par an, par payeur (IC 95 % apparié)",
                           "Who pays? {b} − {a}: change in cost a year, by bearer (paired 95% CI)"),
    "fig.total": ("Total (hors prestations)", "Total (benefits excluded)"),
    "fig.unclaimed": ("Droits non versés (transfert)", "Unclaimed benefits (transfer)"),
    "fig.window": ("période résumée", "report window"),
    "fig.ci": ("IC 95 %", "95% CI"),
    "fig.key_rates": ("Taux principaux (moyenne et IC 95 % sur les réplications)",
                      "Key rates (mean and 95% CI over replications)"),
    "fig.causes": ("Pourquoi : non-recours par cause (Odenore), moyenne des réplications",
                   "Why: non-take-up by cause (ODENORE), mean over replications"),
    "fig.causes_axis": ("% des mois-ménages éligibles", "% of eligible household-months"),
    "fig.groups": ("Non-recours par groupe (%, moyenne et IC 95 %)",
                   "Non-take-up by group (%, mean and 95% CI)"),
    "fig.workload": ("Travail délégué : heures d'aide numérique par mois (moyenne et IC 95 %)",
                     "Delegated workload: digital-help hours per month (mean and 95% CI)"),
    "fig.hours": ("heures/mois", "hours/month"),
    "fig.forest": ("Écarts B − A (points de pourcentage) : IC 95 % apparié et non apparié",
                   "Differences B − A (percentage points): paired vs unpaired 95% CI"),
    "fig.pp": ("points de pourcentage", "percentage points"),
    "fig.paired": ("apparié (nombres aléatoires communs)", "paired (common random numbers)"),
    "fig.unpaired": ("non apparié (Welch)", "unpaired (Welch)"),
    "fig.point_ci": ("point (IC 95 %)", "point (95% CI)"),
    "fig.mean_level": ("moyenne par niveau", "mean by level"),
    "fig.main_effects": ("Effets principaux sur : {metric}", "Main effects on {metric}"),
    "fig.heatmap": ("{metric} selon {a} × {b}", "{metric} over {a} × {b}"),
    "fig.sensitivity": ("Sensibilité : {metric} (plan {design})",
                        "Sensitivity of {metric} ({design} design)"),
    "fig.mu_star": ("μ* (moyenne des |effets élémentaires|)", "μ* (mean |elementary effect|)"),
    "fig.S1": ("S1 premier ordre", "S1 first-order"),
    "fig.ST": ("ST total", "ST total"),
    "fig.causes_along": ("Non-recours par cause selon {f} (%, empilé)",
                         "Non-take-up by cause along {f} (%, stacked)"),
    "fig.workload_along": ("Travail délégué selon {f}", "Delegated workload along {f}"),
    "fig.gaps_along": ("Écart de non-recours entre le groupe le plus et le moins exposé, selon {f}",
                       "Gap in non-take-up between the most and least exposed group, along {f}"),
}


def text(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """A sentence of :data:`TEXTS` in ``lang`` with its ``{fields}`` filled in."""
    fr, en = TEXTS[key]
    s = en if lang == "en" else fr
    return s.format(**fields) if fields else s



# -- error messages ----------------------------------------------------------------------

# The engine's input errors are English sentences (``sim.params.ScenarioError``); for a
# French command line, the common ones are rendered in French here (pattern -> text,
# groups kept), the rest stay as written.  ``FILE: PATH: detail`` keeps its frame.
ERRORS_FR: tuple[tuple[str, str], ...] = (
    (r"unknown key \(known keys: (.*)\)", r"clé inconnue (clés connues : \1)"),
    (r"unknown parameter", "paramètre inconnu"),
    (r"unknown policy (.*) \(known policies: (.*)\)", r"politique inconnue \1 (politiques connues : \2)"),
    (r"unknown preset (.*)\(known: (.*)\)", r"préréglage inconnu \1(connus : \2)"),
    (r"expected a number, got (.*)", r"un nombre est attendu, pas \1"),
    (r"expected a finite number, got (.*)", r"un nombre fini est attendu, pas \1"),
    (r"expected a whole number, got (.*)", r"un nombre entier est attendu, pas \1"),
    (r"expected true/false, got (.*)", r"true ou false est attendu, pas \1"),
    (r"expected a string, got (.*)", r"un texte est attendu, pas \1"),
    (r"expected a mapping, got (.*)", r"une table (clé: valeur) est attendue, pas \1"),
    (r"expected a list of numbers, got (.*)", r"une liste de nombres est attendue, pas \1"),
    (r"expected one of (.*), got (.*)", r"une valeur parmi \1 est attendue, pas \2"),
    (r"expected (\d+) numbers, got (\d+)", r"\1 nombres sont attendus, pas \2"),
    (r"shares must add up to 1 \(they add up to (.*)\)", r"les parts doivent faire 1 (elles font \1)"),
    (r"no such file", "fichier introuvable"),
    (r"is a directory, not a scenario file", "est un dossier, pas un fichier de scénario"),
    (r"no such index \(the list has (\d+) item\(s\)\)", r"indice inexistant (la liste a \1 élément(s))"),
    (r"no such policy index", "indice de politique inexistant"),
    (r"no policy with id (.*)", r"aucune politique d'identifiant \1"),
    (r"start month (\d+) is outside the horizon (.*)", r"le mois de départ \1 est hors de l'horizon \2"),
    (r"benefit (.*) is not enabled in this scenario", r"la prestation \1 n'est pas activée dans ce scénario"),
    (r"must not exceed months \((\d+)\)", r"ne doit pas dépasser months (\1)"),
    (r"at least one benefit must be enabled", "au moins une prestation doit être activée"),
    (r"invalid YAML: (.*)", r"YAML invalide : \1"),
    (r"line (\d+), column (\d+): ", r"ligne \1, colonne \2 : "),
    (r"empty scenario \(expected a mapping\)", "scénario vide (une table clé: valeur est attendue)"),
    (r"not a results directory \(no manifest.json\)", "pas un dossier de résultats (pas de manifest.json)"),
    (r"already holds results; pass --resume to continue them, or choose another --out directory",
     "contient déjà des résultats : --resume pour les poursuivre, ou un autre dossier --out"),
    (r"--set expects PATH=VALUE, got (.*)", r"--set attend CHEMIN=VALEUR, pas \1"),
    (r"give at least two scenarios", "donnez au moins deux scénarios"),
    (r"no summary metric (.*?)( \(e\.g\. .*\))?$", r"pas d'indicateur \1\2"),
    (r"needs --out \(the directory of the run to resume\)", "demande --out (le dossier à reprendre)"),
    (r"must be at least 1", "doit valoir au moins 1"),
)


# "VALUE is below the minimum BOUND UNIT": the unit is a parameter's declared unit
_BOUND = re.compile(r"(.*) is (below the minimum|above the maximum) (\S+)(?: (.+))?$")


def _bound_fr(m: re.Match) -> str:
    words = "est sous le minimum" if m.group(2).startswith("below") else "dépasse le maximum"
    unit = f" {param_unit(m.group(4), 'fr')}" if m.group(4) else ""
    return f"{m.group(1)} {words} {m.group(3)}{unit}"


def error(message: str, lang: str = DEFAULT_LANG) -> str:
    """An input error's one line in ``lang`` (French: the known sentences translated)."""
    if lang == "en":
        return message
    out = _BOUND.sub(_bound_fr, message)
    for pattern, repl in ERRORS_FR:
        out = re.sub(pattern, repl, out)
    return out
