"""The presentation vocabulary: what every result is called, its unit, and how its
numbers are written, in French and in English.

One place for the command line, the HTML report and the dashboard (which adds its
own screen texts in ``dashboard/i18n.py`` and takes everything else from here):

- :data:`METRICS`: summary metric key -> :class:`Metric` (French label, English label,
  :class:`Unit`).  Keys are the dotted leaves of a summary
  (``non_take_up_by_cause.non_demand``); structured families are composed from their
  parts (``per_benefit.rsa.non_take_up_rate`` = the metric's label + the benefit's;
  ``by_group.age_band.a75_plus.non_take_up_rate`` = metric + group + category).
  **Adding a metric's label is one line** in :data:`METRICS`.  A key with no entry
  still gets a readable label (its words) and a unit guessed from its name, never an
  error; ``tests/test_present.py`` lists the summary keys that have no entry.
- :data:`LABELS`: engine categories (``benefit.rsa``, ``age_band.a75_plus``,
  ``cause.non_demand``, ``channel.counter``...), the names the engine writes in result
  files (English snake_case) shown in words.
- :data:`PARAMS` / :func:`param_label`, :data:`PARAM_UNITS_FR` / :func:`param_unit`:
  the scenario parameters a user sets most, and the units parameters declare;
- the sentences of the command line and the HTML report, and French renderings of
  the input errors, are in :mod:`sim.texts`.
- number formats: :func:`number`, :func:`percent`, :func:`points`, :func:`euros`, and
  :func:`value` / :func:`interval` for a metric in its unit.  French writes
  ``20 000,5`` and ``21,3 %`` (narrow no-break spaces), English ``20,000.5`` and
  ``21.3%``; both write the minus sign as ``−``.

Intervals never leave the metric's range.  A metric's :class:`Unit` carries the
range its values can take (``[0, 1]`` for rates and shares, ``[−1, 1]`` for the
concentration index, ``≥ 0`` for hours, euros, counts and months), and every
interval is **clipped to it**: by :func:`sim.summary.t_interval` when it is computed
(so ``summary.json``, ``aggregate.parquet`` and the comparison files agree with what
is printed) and again by :func:`interval` when it is written.  A difference B − A is
clipped to the range of differences (``[−1, 1]`` for rates).  The Student
t-interval over replications is symmetric; near 0 % or 100 % the clipped one is not.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from collections.abc import Mapping, Sequence
from typing import Any

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"  # the dashboard's default (workshops are in French)

NNBSP = "\u202f"  # narrow no-break space: French thousands separator, and before % and ;
NBSP = "\u00a0"
MINUS = "\u2212"
NA = "–"  # shown for a missing value (undefined rate, one replication's interval)


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``fr`` when the locale's language is French, else ``en`` (for the command line).

    Reads ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` then ``LANG``, the first one set,
    as gettext does.
    """
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _pick(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


# -- units ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """How a metric's numbers are shown, and the range its values can take.

    ``scale`` multiplies the stored value for display (100 for a fraction shown in
    %); ``digits`` decimals for a value, ``None`` for "by magnitude";
    ``diff_digits`` for a difference B − A; ``lo``/``hi`` bound the values (``None``:
    unbounded); a difference is bounded by ``±(hi − lo)``.
    """

    name: str
    fr: str
    en: str
    scale: float = 1.0
    digits: int | None = None
    diff_digits: int | None = None
    lo: float | None = None
    hi: float | None = None
    diff_fr: str | None = None  # unit of a difference, when it differs (pts for %)
    diff_en: str | None = None
    space: bool = True  # a space between the number and the unit (not for English %)

    def suffix(self, lang: str, diff: bool = False) -> str:
        if diff and self.diff_fr is not None:
            return _pick(lang, self.diff_fr, self.diff_en or self.diff_fr)
        return _pick(lang, self.fr, self.en)

    def domain(self, diff: bool = False) -> tuple[float | None, float | None]:
        if not diff:
            return self.lo, self.hi
        if self.lo is None or self.hi is None:
            return None, None
        return -(self.hi - self.lo), self.hi - self.lo


RATE = Unit("rate", "%", "%", scale=100, digits=1, diff_digits=2, lo=0.0, hi=1.0,
            diff_fr="pts", diff_en="pp")
POINTS = Unit("points", "pts", "pp", scale=100, digits=1, diff_digits=2, lo=0.0, hi=1.0)
EUROS = Unit("euros", "€/mois", "€/month", digits=0, diff_digits=0, lo=0.0)
HOURS = Unit("hours", "h/mois", "h/month", lo=0.0)
PER_MONTH = Unit("per_month", "/mois", "/month", lo=0.0)
HOUSEHOLDS = Unit("households", "ménages", "households", digits=0, diff_digits=0, lo=0.0)
MONTHS = Unit("months", "mois", "months", digits=2, diff_digits=2, lo=0.0)
INDEX = Unit("index", "", "", digits=3, diff_digits=3, lo=-1.0, hi=1.0)
RATIO = Unit("ratio", "×", "×", digits=2, diff_digits=2, lo=0.0)
LEVEL = Unit("level", "", "", digits=3, diff_digits=3, lo=0.0, hi=1.0)  # skill 0-1
NUMBER = Unit("number", "", "")
# national terms (sim/national.py, sim/costs.py): yearly totals for the represented population
EUROS_YEAR = Unit("euros_year", "M€/an", "M€/year", scale=1e-6, lo=0.0)
HOURS_YEAR = Unit("hours_year", "M h/an", "M h/year", scale=1e-6, lo=0.0)
COUNT_YEAR = Unit("count_year", "M/an", "M/year", scale=1e-6, lo=0.0)
FTE = Unit("fte", "ETP", "FTE", digits=0, diff_digits=0, lo=0.0)
UNITS = {u.name: u for u in (RATE, POINTS, EUROS, HOURS, PER_MONTH, HOUSEHOLDS, MONTHS, INDEX,
                             RATIO, LEVEL, NUMBER, EUROS_YEAR, HOURS_YEAR, COUNT_YEAR, FTE)}


# -- metrics ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    """A summary metric's French and English labels and its unit."""

    fr: str
    en: str
    unit: Unit = NUMBER

    def label(self, lang: str) -> str:
        return _pick(lang, self.fr, self.en)


M = Metric
# One line per metric (dotted summary key).  Families (per_benefit, by_group,
# group_gaps, by_amount_band) are composed by :func:`metric` from the last part's
# entry here and the category labels of LABELS.
METRICS: dict[str, Metric] = {
    "non_take_up_rate": M("Taux de non-recours", "Non-take-up rate", RATE),
    "non_take_up_by_cause.non_knowledge": M("non-connaissance", "non-knowledge", RATE),
    "non_take_up_by_cause.non_proposition": M("non-proposition", "non-proposition", RATE),
    "non_take_up_by_cause.non_demand": M("non-demande", "non-demand", RATE),
    "non_take_up_by_cause.non_reception": M("non-réception", "non-reception", RATE),
    "persistent_non_take_up_rate": M("Non-recours persistant (3 trimestres)",
                                     "Persistent non-take-up (3 quarters)", RATE),
    "unclaimed_euros_per_month": M("Droits non versés", "Unclaimed benefits", EUROS),
    "paid_euros_per_month": M("Prestations versées", "Benefits paid", EUROS),
    "eligible_households": M("Ménages éligibles", "Eligible households", HOUSEHOLDS),
    "delegated_hours_per_month.social_services": M("Aide numérique des services sociaux",
                                                   "Digital help by social services", HOURS),
    "delegated_hours_per_month.associations": M("Aide numérique des associations",
                                                "Digital help by associations", HOURS),
    "delegated_hours_per_month.relatives": M("Aide des proches", "Help by relatives", HOURS),
    "social_services_digital_share": M("Part numérique du temps des travailleurs sociaux",
                                       "Social workers' time spent on digital help", RATE),
    "referrals_per_month": M("Orientations vers une association", "Referrals to associations",
                             PER_MONTH),
    "turned_away_per_month": M("Demandes d'aide refusées", "Help requests turned away",
                               PER_MONTH),
    "queue_wait_months": M("Attente d'une aide", "Wait for help", MONTHS),
    "burden.hours_per_month": M("Temps passé par les ménages", "Time spent by households", HOURS),
    "burden.trips_per_month": M("Déplacements des ménages", "Trips made by households",
                                PER_MONTH),
    "burden.failed_attempts_per_month": M("Démarches échouées", "Failed attempts", PER_MONTH),
    "autonomy_share": M("Démarches faites seul", "Filings done alone", RATE),
    "dependent_share": M("Allocataires dépendants d'un intermédiaire",
                         "Recipients dependent on an intermediary", RATE),
    "credentials_held": M("Codes d'accès gardés par un intermédiaire",
                          "Access codes kept by an intermediary", RATE),
    "concentration_index": M("Indice de concentration (revenu)", "Concentration index (income)",
                             INDEX),
    "unequipped_share": M("Ménages sans équipement", "Households without equipment", RATE),
    "mean_skill": M("Compétence numérique moyenne", "Mean digital skill", LEVEL),
    # Model 2.0: why, where the work goes, and what it costs households
    "non_take_up_by_subcause.non_knowledge.unaware": M("ne connaît pas la prestation",
                                                       "does not know the benefit", RATE),
    "non_take_up_by_subcause.non_knowledge.believes_ineligible": M(
        "la connaît, se croit non éligible", "knows it, believes not eligible", RATE),
    "non_take_up_by_subcause.non_proposition.not_proposed": M(
        "vu par un service, droit non proposé", "seen by a service, right not offered", RATE),
    "non_take_up_by_subcause.non_proposition.waiting_for_help": M(
        "attend une aide (services sociaux, association)", "waiting for help (social services, "
        "association)", RATE),
    "non_take_up_by_subcause.non_demand.low_gain": M("gain jugé trop faible", "gain not worth it",
                                                     RATE),
    "non_take_up_by_subcause.non_demand.stigma_autonomy": M(
        "stigmate, défiance, se débrouiller seul", "stigma, distrust, managing alone", RATE),
    "non_take_up_by_subcause.non_demand.deterred_by_route": M(
        "découragé par la démarche", "deterred by the route", RATE),
    "non_take_up_by_subcause.non_demand.not_yet": M("pas encore demandé", "not claimed yet", RATE),
    "non_take_up_by_subcause.non_reception.processing": M("dossier en cours", "claim being processed",
                                                          RATE),
    "non_take_up_by_subcause.non_reception.agency_queue": M(
        "attend un guichet ou le téléphone", "waiting for a counter or the phone", RATE),
    "non_take_up_by_subcause.non_reception.rejected": M("dossier rejeté", "claim rejected", RATE),
    "non_take_up_by_subcause.non_reception.suspended": M("versement suspendu", "payment suspended",
                                                         RATE),
    "core_contacts_refused_share": M("Rendez-vous d'accompagnement refusés",
                                     "Core social-work contacts turned away", RATE),
    "oriented_per_month": M("Orientations par la caisse vers la médiation",
                            "Orientations by the agency to mediation", PER_MONTH),
    "turned_away_by_service.counters": M("Refusés au guichet", "Turned away at counters", PER_MONTH),
    "turned_away_by_service.phone": M("Appels sans réponse (dossiers)", "Unanswered calls (claims)",
                                      PER_MONTH),
    "turned_away_by_service.social_services": M("Refusés par les services sociaux",
                                                "Turned away by social services", PER_MONTH),
    "turned_away_by_service.associations": M("Refusés par les associations",
                                             "Turned away by associations", PER_MONTH),
    "turned_away_by_service.relatives": M("Proches indisponibles", "Relatives unavailable", PER_MONTH),
    "capacity_utilisation.counters": M("Occupation des guichets", "Use of counters", RATE),
    "capacity_utilisation.phone": M("Occupation du téléphone", "Use of the phone line", RATE),
    "capacity_utilisation.social_services": M("Occupation des services sociaux",
                                              "Use of social services", RATE),
    "capacity_utilisation.associations": M("Occupation des associations", "Use of associations",
                                           RATE),
    "phone_answered_share": M("Appels aboutis", "Calls answered", RATE),
    "burden.hours_per_eligible_household": M("Temps des ménages par ménage éligible",
                                             "Households' time per eligible household", HOURS),
    "burden.hours_per_claim_lodged": M("Temps des ménages par demande déposée",
                                       "Households' time per claim lodged",
                                       Unit("hours_each", "h", "h", lo=0.0)),
    "burden.hours_per_filing": M("Temps des ménages par démarche aboutie",
                                 "Households' time per filing", Unit("hours_each", "h", "h", lo=0.0)),
    "burden.hours_by_part.travel": M("dont trajets", "of which travel", HOURS),
    "burden.hours_by_part.failed_attempts": M("dont démarches échouées", "of which failed attempts",
                                              HOURS),
    "burden.hours_by_part.waiting": M("dont attente", "of which waiting", HOURS),
    "burden.hours_by_part.seeking_help": M("dont recherche d'aide", "of which seeking help", HOURS),
    "counter_share": M("Démarches au guichet (papier)", "Filings at the counter (paper)", RATE),
    "mediated_teach_share": M("Aide qui apprend à faire", "Mediated help that teaches", RATE),
    "mediated_filings_per_month": M("Démarches faites avec un médiateur", "Filings with a mediator",
                                    PER_MONTH),
    "lost_access_per_month": M("Accès perdus (codes gardés par un tiers)",
                               "Access lost (codes kept by someone else)", PER_MONTH),
    "after_failure.retry_same_route": M("Après un échec : même canal", "After a failure: same route",
                                        RATE),
    "after_failure.detour": M("Après un échec : autre canal", "After a failure: another route", RATE),
    "after_failure.gave_up": M("Après un échec : abandon", "After a failure: gave up", RATE),
    "after_failure.followed_up_per_month": M("Échecs suivis", "Failures followed up", PER_MONTH),
    # last parts of the families (per_benefit.B.*, by_group.G.L.*)
    "eligible_share": M("Part des éligibles", "Share of the eligible", RATE),
    "claims_online_share": M("Demandes déposées en ligne", "Claims lodged online", RATE),
    "renewals_online_share": M("Déclarations en ligne", "Declarations online", RATE),
    "causes.non_knowledge": M("non-connaissance", "non-knowledge", RATE),
    "causes.non_proposition": M("non-proposition", "non-proposition", RATE),
    "causes.non_demand": M("non-demande", "non-demand", RATE),
    "causes.non_reception": M("non-réception", "non-reception", RATE),
    "burden_hours_per_eligible_household": M("Temps des ménages par ménage éligible",
                                             "Households' time per eligible household", HOURS),
    "gap": M("Écart de non-recours", "Non-take-up gap", POINTS),
    "ratio": M("Rapport de non-recours", "Non-take-up ratio", RATIO),
    # national terms: the represented population (sim/national.py; per benefit: national.per_benefit.B.*)
    "national.households_represented": M("Ménages représentés", "Households represented", HOUSEHOLDS),
    "national.eligible_households": M("Ménages éligibles", "Eligible households", HOUSEHOLDS),
    "national.recipients": M("Droits perçus (ménage × prestation)",
                             "Benefits received (household × benefit)", HOUSEHOLDS),
    "national.non_recipients": M("Droits non perçus (ménage × prestation)",
                                 "Rights not received (household × benefit)", HOUSEHOLDS),
    "national.unclaimed_euros_per_year": M("Droits non versés par an", "Unclaimed benefits a year", EUROS_YEAR),
    "national.paid_euros_per_year": M("Prestations versées par an", "Benefits paid a year", EUROS_YEAR),
    "national.social_services_fte": M("Travailleurs sociaux pris par l'aide numérique",
                                      "Social workers taken by digital help", FTE),
    "national.associations_fte": M("Médiateurs occupés (associations, France Services)",
                                   "Mediators at work (associations, France Services)", FTE),
    "national.associations_funded_fte": M("Médiateurs financés (associations, France Services)",
                                          "Mediators funded (associations, France Services)", FTE),
    "national.counter_staff_fte": M("Agents d'accueil des guichets", "Counter staff", FTE),
    "national.phone_staff_fte": M("Conseillers au téléphone", "Phone advisers", FTE),
    "national.relatives_hours_per_year": M("Heures d'aide des proches par an",
                                           "Relatives' hours of help a year", HOURS_YEAR),
    "national.household_hours_per_year": M("Heures des ménages par an", "Households' hours a year", HOURS_YEAR),
    "national.counter_visits_per_year": M("Visites aux guichets par an", "Counter visits a year", COUNT_YEAR),
    "national.phone_calls_answered_per_year": M("Appels traités par an", "Calls answered a year", COUNT_YEAR),
    "national.filings_per_year.online_alone": M("Démarches abouties par an — en ligne seul",
                                                "Filings a year — online alone", COUNT_YEAR),
    "national.filings_per_year.online_relative": M("Démarches abouties par an — en ligne avec un proche",
                                                   "Filings a year — online with a relative", COUNT_YEAR),
    "national.filings_per_year.counter": M("Démarches abouties par an — guichet, papier",
                                           "Filings a year — counter, paper", COUNT_YEAR),
    "national.filings_per_year.phone": M("Démarches abouties par an — téléphone", "Filings a year — phone", COUNT_YEAR),
    "national.filings_per_year.social_services": M("Démarches abouties par an — services sociaux",
                                                   "Filings a year — social services", COUNT_YEAR),
    "national.filings_per_year.association": M("Démarches abouties par an — associations, France Services",
                                               "Filings a year — associations, France Services", COUNT_YEAR),
    # the cost ledger: who pays (sim/costs.py)
    "cost_ledger.agency.hours_per_year": M("Caisse : heures de travail par an",
                                           "Agency: hours of work a year", HOURS_YEAR),
    "cost_ledger.agency.euros_per_year": M("Caisse : coût par an", "Agency: cost a year", EUROS_YEAR),
    "cost_ledger.agency.counters.hours_per_year": M("dont guichets (heures d'ouverture)",
                                                    "of which counters (staffed hours)", HOURS_YEAR),
    "cost_ledger.agency.counters.euros_per_year": M("dont guichets", "of which counters", EUROS_YEAR),
    "cost_ledger.agency.phone.hours_per_year": M("dont téléphone (heures de permanence)",
                                                 "of which phone (staffed hours)", HOURS_YEAR),
    "cost_ledger.agency.phone.euros_per_year": M("dont téléphone", "of which phone", EUROS_YEAR),
    "cost_ledger.agency.processing.hours_per_year": M("dont instruction des dossiers (heures)",
                                                      "of which processing files (hours)", HOURS_YEAR),
    "cost_ledger.agency.processing.euros_per_year": M("dont instruction des dossiers",
                                                      "of which processing files", EUROS_YEAR),
    "cost_ledger.social_services.hours_per_year": M("Services sociaux : heures d'aide numérique par an",
                                                    "Social services: digital-help hours a year", HOURS_YEAR),
    "cost_ledger.social_services.euros_per_year": M("Services sociaux : coût de l'aide numérique par an",
                                                    "Social services: cost of digital help a year", EUROS_YEAR),
    "cost_ledger.social_services.core_hours_refused_per_year": M("Accompagnement social refusé (heures par an)",
        "Core social work turned away (hours a year)", HOURS_YEAR),
    "cost_ledger.social_services.funded_hours_per_year": M("Services sociaux : heures financées par an",
                                                           "Social services: hours funded a year", HOURS_YEAR),
    "cost_ledger.social_services.funded_euros_per_year": M("Services sociaux : budget par an",
                                                           "Social services: budget a year", EUROS_YEAR),
    "cost_ledger.associations.hours_per_year": M("Associations : heures de médiation par an",
                                                 "Associations: mediation hours a year", HOURS_YEAR),
    "cost_ledger.associations.euros_per_year": M("Associations : coût de la médiation par an",
                                                 "Associations: cost of mediation a year", EUROS_YEAR),
    "cost_ledger.associations.funded_hours_per_year": M("Associations : heures financées par an",
                                                        "Associations: hours funded a year", HOURS_YEAR),
    "cost_ledger.associations.funded_euros_per_year": M("Associations : budget par an",
                                                        "Associations: budget a year", EUROS_YEAR),
    "cost_ledger.relatives.hours_per_year": M("Proches : heures d'aide par an",
                                              "Relatives: hours of help a year", HOURS_YEAR),
    "cost_ledger.relatives.euros_per_year": M("Proches : valeur de leur temps par an",
                                              "Relatives: value of their time a year", EUROS_YEAR),
    "cost_ledger.households.hours_per_year": M("Ménages : heures par an", "Households: hours a year", HOURS_YEAR),
    "cost_ledger.households.euros_per_year": M("Ménages : coût par an (temps et trajets)",
                                               "Households: cost a year (time and travel)", EUROS_YEAR),
    "cost_ledger.households.time_euros_per_year": M("dont valeur du temps", "of which value of time", EUROS_YEAR),
    "cost_ledger.households.travel_euros_per_year": M("dont trajets", "of which travel", EUROS_YEAR),
    "cost_ledger.programmes.euros_per_year": M("Programmes (formation, équipement, coffre-fort) : coût par an",
                                               "Programmes (training, equipment, safes): cost a year", EUROS_YEAR),
    "cost_ledger.programmes.households_per_year": M("Programmes : ménages aidés par an",
                                                    "Programmes: households reached a year", COUNT_YEAR),
    "cost_ledger.benefits.paid_euros_per_year": M("Prestations versées par an", "Benefits paid a year", EUROS_YEAR),
    "cost_ledger.benefits.unclaimed_euros_per_year": M("Droits non versés par an",
                                                       "Unclaimed benefits a year", EUROS_YEAR),
    "cost_ledger.total.hours_per_year": M("Total : heures par an", "Total: hours a year", HOURS_YEAR),
    "cost_ledger.total.euros_per_year": M("Total : coût par an (hors prestations)",
                                          "Total: cost a year (benefits excluded)", EUROS_YEAR),
    "cost_ledger.public_funding.euros_per_year": M("Financement public des capacités et programmes par an",
                                                   "Public funding of capacities and programmes a year", EUROS_YEAR),
}
del M

# The rows of the key-metric tables (`sim run`, `sim compare`, the report), in order.
KEY_METRICS = (
    "non_take_up_rate",
    "non_take_up_by_cause.non_knowledge",
    "non_take_up_by_cause.non_proposition",
    "non_take_up_by_cause.non_demand",
    "non_take_up_by_cause.non_reception",
    "persistent_non_take_up_rate",
    "unclaimed_euros_per_month",
    "delegated_hours_per_month.social_services",
    "delegated_hours_per_month.associations",
    "delegated_hours_per_month.relatives",
    "social_services_digital_share",
    "autonomy_share",
    "credentials_held",
    "concentration_index",
)
# National terms (`sim run`, the report): the represented population's yearly figures.
NATIONAL_METRICS = (  # (national.households_represented is said in the table's banner)
    "national.eligible_households",
    "national.non_recipients",
    "national.unclaimed_euros_per_year",
    "national.paid_euros_per_year",
    "national.social_services_fte",
    "national.associations_fte",
    "national.counter_staff_fte",
    "national.relatives_hours_per_year",
    "national.household_hours_per_year",
)
# Who pays (the cost ledger, sim/costs.py), bearer by bearer, in the tables of `sim run`,
# `sim compare` and the report; the "of which" rows are indented.
LEDGER_METRICS = (
    "cost_ledger.agency.euros_per_year",
    "cost_ledger.agency.counters.euros_per_year",
    "cost_ledger.agency.phone.euros_per_year",
    "cost_ledger.agency.processing.euros_per_year",
    "national.counter_staff_fte",
    "cost_ledger.social_services.euros_per_year",
    "national.social_services_fte",
    "cost_ledger.social_services.core_hours_refused_per_year",
    "cost_ledger.associations.euros_per_year",
    "national.associations_fte",
    "cost_ledger.relatives.euros_per_year",
    "cost_ledger.relatives.hours_per_year",
    "cost_ledger.households.euros_per_year",
    "cost_ledger.households.time_euros_per_year",
    "cost_ledger.households.travel_euros_per_year",
    "cost_ledger.households.hours_per_year",
    "cost_ledger.programmes.euros_per_year",
    "cost_ledger.total.euros_per_year",
    "cost_ledger.benefits.unclaimed_euros_per_year",
)
# keys shown indented under the row before them (the four causes add up to the rate)
SUB_METRICS = ("non_take_up_by_cause.", "cost_ledger.agency.counters.", "cost_ledger.agency.phone.",
               "cost_ledger.agency.processing.", "cost_ledger.households.time_",
               "cost_ledger.households.travel_")

# words of the fallback label: key parts with no entry anywhere
_WORDS_FR = {"per_month": "par mois", "per": "par", "month": "mois", "months": "mois",
             "hours": "heures", "rate": "taux", "share": "part", "by": "par", "and": "et"}


def _guess_unit(key: str) -> Unit:
    """The unit a key's name says (``*_rate``/``*_share``: a fraction, ``euros``...)."""
    last = key.rsplit(".", 1)[-1]
    parts = key.split(".")
    if last.endswith(("rate", "share")) or parts[0] == "non_take_up_by_cause":
        return RATE
    if "euros" in last:
        return EUROS
    if "hours" in last:
        return HOURS
    if last.endswith("months"):
        return MONTHS
    if last.endswith("per_month"):
        return PER_MONTH
    if last.endswith("index"):
        return INDEX
    return NUMBER


def _words(part: str, lang: str) -> str:
    if lang != "en" and part in _WORDS_FR:
        return _WORDS_FR[part]
    return part.replace("_", " ")


def fallback_label(key: str, lang: str = "en") -> str:
    """A readable label made of the key's words (``a.b_c`` -> ``A · b c``)."""
    parts = [label_of(p, lang) for p in key.split(".")]
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def label_of(name: str, lang: str) -> str:
    """A category name in words if any table knows it, else its words."""
    for prefix in ("benefit", "group", "cause", "service", "channel", "outcome"):
        k = f"{prefix}.{name}"
        if k in LABELS:
            return _pick(lang, *LABELS[k])
    return _words(name, lang)


def metric(key: str) -> Metric:
    """The :class:`Metric` of a dotted summary key (composed, or guessed: never raises)."""
    if key in METRICS:
        return METRICS[key]
    parts = key.split(".")
    head = parts[0]
    if head == "per_benefit" and len(parts) >= 3:
        base = metric(".".join(parts[2:]))
        b = parts[1]
        return Metric(f"{base.fr} — {label('benefit', b, 'fr')}",
                      f"{base.en} — {label('benefit', b, 'en')}", base.unit)
    if head == "by_group" and len(parts) >= 4:
        base = metric(".".join(parts[3:]))
        g, c = parts[1], parts[2]
        return Metric(f"{base.fr} — {label('group', g, 'fr')} : {label(g, c, 'fr')}",
                      f"{base.en} — {label('group', g, 'en')}: {label(g, c, 'en')}", base.unit)
    if head == "most_exposed" and len(parts) == 2:  # an objective of `sim optimise`
        g = parts[1]
        return Metric(f"Non-recours du groupe le plus exposé — {label('group', g, 'fr')}",
                      f"Non-take-up of the most exposed group — {label('group', g, 'en')}", RATE)
    if head != "per_benefit" and "per_benefit" in parts[1:-2]:  # national.per_benefit.B.*
        i = parts.index("per_benefit")
        base = metric(".".join(parts[:i] + parts[i + 2:]))
        b = parts[i + 1]
        return Metric(f"{base.fr} — {label('benefit', b, 'fr')}",
                      f"{base.en} — {label('benefit', b, 'en')}", base.unit)
    if head == "group_gaps" and len(parts) == 3:
        base = metric(parts[2])
        g = parts[1]
        return Metric(f"{base.fr} par {label('group', g, 'fr').lower()}",
                      f"{base.en} by {label('group', g, 'en').lower()}", base.unit)
    if head == "by_amount_band" and len(parts) >= 3:
        base = metric(".".join(parts[2:]))
        band = parts[1]
        return Metric(f"{base.fr} — montant {band} €/mois", f"{base.en} — amount {band} €/month",
                      base.unit)
    if head == "by_receipt" and len(parts) == 3:  # per_benefit.B.by_receipt.C.(not_)receiving
        c, how = parts[1], parts[2]
        fr = ("bénéficiaires" if how == "receiving" else "non-bénéficiaires") + " de " + label(
            "benefit", c, "fr")
        en = ("recipients" if how == "receiving" else "non-recipients") + " of " + label(
            "benefit", c, "en")
        return Metric(f"Non-recours des {fr}", f"Non-take-up of {en}", RATE)
    if head == "claims_lodged_by_route_age" and len(parts) == 3:
        c, a = parts[1], parts[2]
        return Metric(f"Demandes déposées {label('channel', c, 'fr')} — {label('age_band', a, 'fr')}",
                      f"Claims lodged {label('channel', c, 'en')} — {label('age_band', a, 'en')}",
                      PER_MONTH)
    if head == "after_failure" and len(parts) == 4 and parts[1] == "by_failed_route":
        c, then = parts[2], parts[3]
        nxt_fr = label("after", then, "fr") if then == "gave_up" else label("channel", then, "fr")
        nxt_en = label("after", then, "en") if then == "gave_up" else label("channel", then, "en")
        return Metric(f"Après un échec {label('channel', c, 'fr')} : {nxt_fr}",
                      f"After failing {label('channel', c, 'en')}: {nxt_en}", RATE)
    unit = _guess_unit(key)
    return Metric(fallback_label(key, "fr"), fallback_label(key, "en"), unit)


def has_label(key: str) -> bool:
    """Whether a key's label comes from the tables (not from its words)."""
    if key in METRICS:
        return True
    parts = key.split(".")
    head = parts[0]
    if head == "per_benefit" and len(parts) >= 3:
        return f"benefit.{parts[1]}" in LABELS and has_label(".".join(parts[2:]))
    if head == "by_group" and len(parts) >= 4:
        return (f"group.{parts[1]}" in LABELS and f"{parts[1]}.{parts[2]}" in LABELS
                and has_label(".".join(parts[3:])))
    if head == "most_exposed" and len(parts) == 2:
        return f"group.{parts[1]}" in LABELS
    if head != "per_benefit" and "per_benefit" in parts[1:-2]:
        i = parts.index("per_benefit")
        return f"benefit.{parts[i + 1]}" in LABELS and has_label(".".join(parts[:i] + parts[i + 2:]))
    if head == "group_gaps" and len(parts) == 3:
        return f"group.{parts[1]}" in LABELS and parts[2] in METRICS
    if head == "by_amount_band" and len(parts) >= 3:
        return has_label(".".join(parts[2:]))
    if head == "by_receipt" and len(parts) == 3:
        return f"benefit.{parts[1]}" in LABELS and parts[2] in ("receiving", "not_receiving")
    if head == "claims_lodged_by_route_age" and len(parts) == 3:
        return f"channel.{parts[1]}" in LABELS and f"age_band.{parts[2]}" in LABELS
    if head == "after_failure" and len(parts) == 4 and parts[1] == "by_failed_route":
        return f"channel.{parts[2]}" in LABELS and (
            f"channel.{parts[3]}" in LABELS or f"after.{parts[3]}" in LABELS)
    return False


def metric_label(key: str, lang: str = DEFAULT_LANG) -> str:
    return metric(key).label(lang)


def row_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """A metric's label as a table row: sub-metrics (the causes) indented under their total."""
    text = metric_label(key, lang)
    return "  " + text if key.startswith(SUB_METRICS) else text


def domain(key: str, diff: bool = False) -> tuple[float | None, float | None]:
    """The range of a metric's values (or of a difference B − A of them)."""
    return metric(key).unit.domain(diff)


def is_rate(key: str) -> bool:
    """Whether a metric is a fraction 0-1 (shown in %, or in points for a gap)."""
    return metric(key).unit.scale == 100


# -- category labels --------------------------------------------------------------------

LABELS: dict[str, tuple[str, str]] = {
    "benefit.all": ("Toutes les prestations", "All benefits"),
    "bearer.agency": ("Caisse (guichets, téléphone, dossiers)", "Agency (counters, phone, files)"),
    "bearer.social_services": ("Services sociaux", "Social services"),
    "bearer.associations": ("Associations, France Services", "Associations, France Services"),
    "bearer.relatives": ("Proches", "Relatives"),
    "bearer.households": ("Ménages (temps, trajets)", "Households (time, travel)"),
    "bearer.programmes": ("Programmes (formation, équipement)", "Programmes (training, equipment)"),
    "benefit.prime_activite": ("Prime d'activité", "In-work benefit (prime d'activité)"),
    "benefit.rsa": ("RSA", "Minimum income (RSA)"),
    "benefit.aspa": ("Minimum vieillesse (ASPA)", "Old-age minimum (ASPA)"),
    "benefit.housing_benefit": ("Aide au logement (APL / AL)", "Housing benefit (APL / AL)"),
    "group.age_band": ("Âge", "Age"),
    "group.income_quintile": ("Revenu", "Income"),
    "group.diploma": ("Diplôme", "Diploma"),
    "group.territory": ("Territoire", "Territory"),
    "group.equipment": ("Équipement", "Equipment"),
    "group.isolation": ("Entourage", "Support network"),
    "age_band.a18_29": ("18-29 ans", "18-29"),
    "age_band.a30_44": ("30-44 ans", "30-44"),
    "age_band.a45_59": ("45-59 ans", "45-59"),
    "age_band.a60_74": ("60-74 ans", "60-74"),
    "age_band.a75_plus": ("75 ans et +", "75+"),
    "income_quintile.q1": ("Q1 modestes", "Q1 poorest"),
    "income_quintile.q2": ("Q2", "Q2"),
    "income_quintile.q3": ("Q3", "Q3"),
    "income_quintile.q4": ("Q4", "Q4"),
    "income_quintile.q5": ("Q5 aisés", "Q5 richest"),
    "diploma.none": ("Sans diplôme", "No diploma"),
    "diploma.secondary": ("Secondaire", "Secondary"),
    "diploma.higher": ("Supérieur", "Higher"),
    "territory.large_city": ("Grande ville", "Large city"),
    "territory.small_town": ("Petite ville", "Small town"),
    "territory.rural": ("Rural", "Rural"),
    "equipment.none": ("Aucun", "None"),
    "equipment.smartphone": ("Smartphone", "Smartphone"),
    "equipment.computer": ("Ordinateur", "Computer"),
    "isolation.isolated": ("Isolé", "Isolated"),
    "isolation.supported": ("Entouré", "Has helpers"),
    "group.household_type": ("Composition du ménage", "Household type"),
    "group.other_benefit": ("Déjà allocataire (famille, logement)", "Already a CAF recipient (family, housing)"),
    "household_type.alone": ("Personne seule", "Single person"),
    "household_type.couple": ("Couple sans enfant", "Couple without children"),
    "household_type.single_parent": ("Famille monoparentale", "Single parent"),
    "household_type.couple_children": ("Couple avec enfants", "Couple with children"),
    "other_benefit.none": ("Pas d'autre prestation CAF", "No other CAF benefit"),
    "other_benefit.receives": ("Reçoit une autre prestation CAF", "Receives another CAF benefit"),
    "subcause.unaware": ("Ne connaît pas la prestation", "Does not know the benefit"),
    "subcause.believes_ineligible": ("Se croit non éligible", "Believes not eligible"),
    "subcause.not_proposed": ("Droit non proposé par un service", "Right not offered by a service"),
    "subcause.waiting_for_help": ("Attend une aide", "Waiting for help"),
    "subcause.low_gain": ("Gain trop faible", "Gain not worth it"),
    "subcause.stigma_autonomy": ("Stigmate, défiance, autonomie", "Stigma, distrust, autonomy"),
    "subcause.deterred_by_route": ("Découragé par la démarche", "Deterred by the route"),
    "subcause.not_yet": ("Pas encore demandé", "Not claimed yet"),
    "subcause.processing": ("Dossier en cours", "Claim being processed"),
    "subcause.agency_queue": ("Attend un guichet, le téléphone", "Waiting for a counter, the phone"),
    "subcause.rejected": ("Dossier rejeté", "Claim rejected"),
    "subcause.suspended": ("Versement suspendu", "Payment suspended"),
    "after.gave_up": ("abandon", "gave up"),
    "cause.non_knowledge": ("Ne connaît pas son droit", "Does not know the right"),
    "cause.non_proposition": ("Droit non proposé", "Right not offered"),
    "cause.non_demand": ("Ne demande pas", "Does not claim"),
    "cause.non_reception": ("Demande sans versement", "Claimed, not paid"),
    "service.social_services": ("Services sociaux", "Social services"),
    "service.associations": ("Associations et France Services", "Associations and France Services"),
    "service.relatives": ("Proches", "Relatives"),
    "service.counters": ("Guichets", "Counters"),
    "service.phone": ("Téléphone", "Phone line"),
    "outcome.receiving": ("Perçoit la prestation", "Receives the benefit"),
    "outcome.waiting": ("Dossier en attente", "Claim pending"),
    "outcome.rejected": ("Rejeté ou suspendu", "Rejected or suspended"),
    "outcome.gave_up": ("A renoncé après échec", "Gave up after failing"),
    "outcome.not_claimed": ("N'a rien demandé", "Did not claim"),
    "channel.none": ("aucune démarche", "no attempt yet"),
    "channel.online_alone": ("en ligne, seul", "online, alone"),
    "channel.online_relative": ("en ligne avec un proche", "online with a relative"),
    "channel.counter": ("au guichet", "at the counter"),
    "channel.phone": ("par téléphone", "by phone"),
    "channel.social_services": ("avec un travailleur social", "with a social worker"),
    "channel.association": ("avec une association", "with an association"),
    "state.not_eligible": ("Pas de droit ce mois-ci", "Not eligible this month"),
    "state.unaware": ("Ne connaît pas son droit", "Does not know the right"),
    "state.not_claimed": ("Connaît son droit, ne demande pas", "Knows the right, does not claim"),
    "state.queued": ("Attend un rendez-vous d'aide", "Waiting for a help appointment"),
    "state.processing": ("Dossier en cours", "Claim being processed"),
    "state.receiving": ("Perçoit la prestation", "Receives the benefit"),
    "state.suspended": ("Versement suspendu", "Payment suspended"),
    "state.rejected": ("Dossier rejeté", "Claim rejected"),
    "state.gave_up": ("A renoncé", "Gave up"),
    # the bundled scenarios (scenarios/*.yaml), by file name
    "scenario.baseline_2013": ("2013 : tous les guichets ouverts", "2013: every counter open"),
    "scenario.online_only_2016": ("2016 : prime d'activité 100 % en ligne", "2016: prime d'activité online only"),
    "scenario.counter_closure_rural": ("2016 + 60 % des guichets fermés (rural d'abord)",
                                       "2016 + 60% of counters closed (rural first)"),
    "scenario.france_services": ("Guichets fermés + France Services qui apprend",
                                 "Counters closed + France Services teaching"),
    "scenario.alternative_route": ("2016 + accueil gardé pour les plus fragiles",
                                   "2016 + walk-in kept for the vulnerable"),
    "scenario.automatic_payment": ("2016 + versement automatique",
                                   "2016 + automatic payment"),
    "scenario.document_safe": ("2016 + coffre-fort numérique",
                               "2016 + digital document safe"),
    "scenario.all_online": ("Tout en ligne (contrefactuel)", "Everything online (counterfactual)"),
}


def label(prefix: str, name: str, lang: str = DEFAULT_LANG) -> str:
    """The label of an engine category (``label("benefit", "rsa", "fr")``), or its name."""
    pair = LABELS.get(f"{prefix}.{name}")
    return _pick(lang, *pair) if pair else name


# -- parameters ---------------------------------------------------------------------------

# Labels of the parameters a user sets most (levers, sizes, benefit rules, policies), by
# dotted path; ``benefits.*.X`` stands for every benefit, ``policy.TYPE.KEY`` for a
# policy's parameter.  Adding one is one line.  Others get their declared ``doc`` (in
# English) or their words, never an error: :func:`param_label`.
PARAMS: dict[str, tuple[str, str]] = {
    "name": ("Nom du scénario", "Scenario name"),
    "seed": ("Graine aléatoire", "Random seed"),
    "months": ("Durée simulée (mois)", "Months simulated"),
    "report_months": ("Mois résumés (fin de période)", "Months summarised (end of horizon)"),
    "legislation": ("Législation (date)", "Legislation (date)"),
    "benefits_enabled": ("Prestations simulées", "Benefits simulated"),
    "population.households": ("Ménages simulés", "Simulated households"),
    "institutions.counter_visits": ("Capacité des guichets", "Counter capacity"),
    "institutions.counter_open_share": ("Part des guichets ouverts, par territoire",
                                        "Share of counters open, by territory"),
    "institutions.counter_hours_factor": ("Horaires d'ouverture des guichets", "Counter opening hours"),
    "institutions.appointment_only": ("Guichets sur rendez-vous", "Appointment-only counters"),
    "institutions.social_worker_hours": ("Heures des travailleurs sociaux", "Social workers' hours"),
    "institutions.digital_share_cap": ("Part maximale d'aide numérique des travailleurs sociaux",
                                       "Cap on social workers' digital-help share"),
    "institutions.association_hours": ("Heures de médiation des associations",
                                       "Association mediation hours"),
    "institutions.association_presence": ("Présence des associations, par territoire",
                                          "Association presence, by territory"),
    "institutions.teach_propensity": ("Propension des médiateurs à apprendre à faire",
                                      "Mediators' propensity to teach"),
    "institutions.phone_calls": ("Capacité du téléphone", "Phone line capacity"),
    "institutions.orientation_rate": ("Orientation des échecs en ligne vers la médiation",
                                      "Orientation of failed online claims to mediation"),
    "benefits.*.granted_with": ("Attribuée sans demande aux bénéficiaires de",
                                "Granted without a claim to recipients of"),
    "benefits.*.agency": ("Organisme payeur", "Paying agency"),
    "policy.online_only.paper_form": ("Formulaire papier gardé sur demande",
                                      "Paper form kept on request"),
    "benefits.*.channels": ("Canaux de demande ouverts", "Claim channels open"),
    "benefits.*.complexity": ("Complexité de la démarche", "Complexity of the claim"),
    "benefits.*.renewal_months": ("Période de renouvellement", "Renewal period"),
    "benefits.*.processing_months": ("Délai d'instruction", "Processing delay"),
    "benefits.*.email_required": ("Adresse e-mail exigée", "E-mail address required"),
    "benefits.*.knows_on_entry": ("Connaissance du droit à l'entrée", "Awareness on becoming eligible"),
    "process.info_base": ("Information spontanée sur le droit", "Background information on the right"),
    "process.stigma.*": ("Stigmate de la prestation", "Stigma of the benefit"),
    "policy.*.start": ("Mois de départ de la politique", "Start month of the policy"),
    "policy.*.benefits": ("Prestations concernées", "Benefits concerned"),
    "policy.counter_closure.share": ("Part des guichets fermés", "Share of counters closed"),
    "policy.counter_closure.order": ("Ordre des fermetures", "Closure order"),
    "policy.counter_closure.hours_factor": ("Horaires gardés aux guichets ouverts",
                                           "Hours kept at open counters"),
    "policy.alternative_route.min_age": ("Âge à partir duquel l'accueil est gardé",
                                         "Age from which the walk-in route is kept"),
    "policy.alternative_route.max_skill": ("Compétence en dessous de laquelle l'accueil est gardé",
                                           "Skill below which the walk-in route is kept"),
    "policy.mediation_capacity.social_worker_hours": ("Heures des travailleurs sociaux",
                                                      "Social workers' hours"),
    "policy.mediation_capacity.digital_share_cap": ("Part maximale d'aide numérique",
                                                    "Cap on the digital-help share"),
    "policy.mediation_capacity.association_hours": ("Heures de médiation des associations",
                                                    "Association mediation hours"),
    "policy.mediation_capacity.association_presence": ("Présence des associations",
                                                       "Association presence"),
    "policy.mediation_capacity.travel_factor": ("Trajet vers un point de médiation",
                                                "Travel to a mediation point"),
    "policy.mediation_capacity.mode": ("Faire à la place ou apprendre", "Do for or teach"),
    "policy.detection_orientation.rate": ("Taux de repérage et d'orientation",
                                          "Detection and orientation rate"),
    "policy.information_campaign.rate": ("Effet de la campagne d'information",
                                         "Information campaign rate"),
    "policy.information_campaign.months": ("Durée de la campagne", "Campaign duration"),
    "policy.automatic_payment.share": ("Inscription automatique", "Automatic enrolment rate"),
    "policy.automatic_payment.automatic_renewal": ("Renouvellement automatique", "Automatic renewal"),
    "policy.digital_training.rate": ("Taux de formation au numérique", "Digital training rate"),
    "policy.digital_training.gain": ("Compétence gagnée par la formation", "Skill gained by training"),
    "policy.equipment_support.rate": ("Taux d'équipement aidé", "Equipment support rate"),
    "policy.equipment_support.starter_skill": ("Compétence après la prise en main",
                                               "Skill after the first session"),
    "policy.document_safe.rate": ("Taux de coffres-forts numériques", "Digital safe rate"),
    "policy.document_safe.effect": ("Dossiers incomplets évités", "Incomplete files avoided"),
    "represented.households": ("Ménages représentés", "Households represented"),
    "represented.name": ("Population représentée", "Population represented"),
    "represented.source": ("Source de la population représentée", "Source of the population represented"),
    "costs.full_time_hours": ("Heures annuelles d'un temps plein", "Annual hours of a full-time post"),
    "costs.agency.hourly_cost": ("Coût horaire d'un agent de la caisse", "Hourly cost of an agency agent"),
    "costs.agency.counter_hours_per_visit": ("Temps d'agent par créneau de guichet", "Agent time per counter slot"),
    "costs.agency.phone_hours_per_call": ("Temps de conseiller par appel", "Adviser time per call"),
    "costs.agency.processing_hours.claim_online": ("Instruction d'une demande en ligne", "Processing an online claim"),
    "costs.agency.processing_hours.claim_paper": ("Instruction d'une demande papier", "Processing a paper claim"),
    "costs.agency.processing_hours.declaration_online": ("Traitement d'une déclaration en ligne",
                                                         "Processing an online declaration"),
    "costs.agency.processing_hours.declaration_paper": ("Traitement d'une déclaration papier",
                                                        "Processing a paper declaration"),
    "costs.social_services.hourly_cost": ("Coût horaire d'un travailleur social", "Hourly cost of a social worker"),
    "costs.associations.hourly_cost": ("Coût horaire d'un médiateur (France Services)",
                                       "Hourly cost of a mediator (France Services)"),
    "costs.relatives.value_of_time": ("Valeur d'une heure d'un proche", "Value of a relative's hour"),
    "costs.households.value_of_time": ("Valeur d'une heure d'un ménage", "Value of a household's hour"),
    "costs.households.km_per_travel_hour": ("Kilomètres par heure de trajet", "Kilometres per hour of travel"),
    "costs.households.euros_per_km": ("Coût d'un kilomètre", "Cost of a kilometre"),
    "costs.programmes.training_per_household": ("Coût d'une formation par ménage", "Training cost per household"),
    "costs.programmes.equipment_per_household": ("Coût de l'équipement par ménage", "Equipment cost per household"),
    "costs.programmes.safe_per_household": ("Coût d'un coffre-fort numérique par ménage",
                                            "Digital safe cost per household"),
}

# The units declared by parameters (sim/defaults.py, sim/policies/), in French.
PARAM_UNITS_FR: dict[str, str] = {
    "EUR": "€", "EUR/hour": "€/heure", "EUR/month": "€/mois", "attempts": "tentatives",
    "factor": "facteur", "factor for 75+": "facteur pour les 75 ans et +", "hours": "heures",
    "hours at complexity 1": "heures à complexité 1", "hours at skill 0": "heures à compétence 0",
    "hours/claim": "heures/demande", "hours/contact": "heures/contact", "hours/month": "heures/mois",
    "hours/month per 10k households": "heures/mois pour 10 000 ménages",
    "hours/renewal": "heures/renouvellement", "hours/trip": "heures/trajet",
    "hours/visit": "heures/visite", "households": "ménages", "log-sd": "écart-type (log)",
    "logit": "logit", "logit per quintile": "logit par quintile", "logit per skill": "logit par compétence",
    "mean helpers": "aidants en moyenne", "months": "mois", "probability": "probabilité",
    "probability at skill 0": "probabilité à compétence 0", "probability/month": "probabilité/mois",
    "share": "part", "share of chosen non-connection": "part des non-connexions choisies",
    "share of counters": "part des guichets", "share of couples": "part des couples",
    "share of families": "part des familles", "share of hours": "part des heures",
    "share of households in reach": "part des ménages à portée",
    "share of mediated help": "part de l'aide médiée", "share of non-alone": "part des non-isolés",
    "share of non-employed": "part des sans-emploi", "share of non-retired": "part des non-retraités",
    "share of non-users": "part des non-usagers",
    "share of social workers' hours": "part des heures des travailleurs sociaux",
    "share of suffered non-connection": "part des non-connexions subies",
    "share of workers": "part des actifs", "skill": "compétence", "skill 0-1": "compétence 0-1",
    "skill/attempt": "compétence/tentative", "skill/session": "compétence/séance",
    "visits/month per 10k households": "visites/mois pour 10 000 ménages", "years": "ans",
    "0-1": "0-1", "logit sd": "écart-type (logit)", "log-factor": "facteur (log)",
    "calls answered/month per 10k households": "appels traités/mois pour 10 000 ménages",
    "hours/year": "heures/an", "hours/call": "heures/appel", "hours/file": "heures/dossier",
    "km/hour": "km/heure", "EUR/km": "€/km", "EUR/household": "€/ménage",
    "hours/month (per 10k households)": "heures/mois pour 10 000 ménages",
}


def _param_key(path: str, policy_type: str | None) -> list[str]:
    parts = path.split(".")
    keys = [path]
    if parts[0] == "benefits" and len(parts) == 3:
        keys.append(f"benefits.*.{parts[2]}")
    if parts[:2] == ["process", "stigma"] and len(parts) == 3:
        keys.append("process.stigma.*")
    if parts[0] == "policies" and len(parts) == 3:
        kind = policy_type or parts[1]  # a policy addressed by its type
        keys += [f"policy.{kind}.{parts[2]}", f"policy.*.{parts[2]}"]
    return keys


def param_label(path: str, lang: str = DEFAULT_LANG, policy_type: str | None = None,
                doc: str = "") -> str:
    """The label of a scenario parameter by its dotted path (``policies.N.key`` needs the
    policy's ``policy_type`` unless N is the type).  Unknown: ``doc``, else its words."""
    for key in _param_key(path, policy_type):
        if key in PARAMS:
            text_ = _pick(lang, *PARAMS[key])
            parts = path.split(".")
            if parts[0] == "benefits" and key.startswith("benefits.*"):
                text_ += f" ({label('benefit', parts[1], lang)})"
            elif key == "process.stigma.*":
                text_ += f" ({label('benefit', parts[2], lang)})"
            return text_
    if doc:
        return doc[:1].upper() + doc[1:]
    return fallback_label(path, lang)


def has_param_label(path: str, policy_type: str | None = None) -> bool:
    return any(k in PARAMS for k in _param_key(path, policy_type))


def param_unit(unit: str, lang: str = DEFAULT_LANG) -> str:
    """A parameter's declared unit (English, as in docs/parameters.md) in ``lang``."""
    return unit if lang == "en" else PARAM_UNITS_FR.get(unit, unit)


# -- numbers ----------------------------------------------------------------------------

def _bad(x: Any) -> bool:
    return x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def number(x: Any, lang: str = DEFAULT_LANG, digits: int = 0, sign: bool = False) -> str:
    """A number with the language's separators: ``20 000,5`` / ``20,000.5``; ``−`` for minus.

    A value that rounds to zero is written without a sign (never ``−0,0``).
    """
    if _bad(x):
        return NA
    x = round(float(x), digits)
    if x == 0:
        x = 0.0  # drops the sign of -0.0
    body = f"{abs(x):,.{digits}f}"
    if lang != "en":
        body = body.replace(",", "\x00").replace(".", ",").replace("\x00", NNBSP)
    if x < 0:
        return MINUS + body
    return "+" + body if sign and x > 0 else body


def percent(x: Any, lang: str = DEFAULT_LANG, digits: int = 1, sign: bool = False) -> str:
    """A fraction 0-1 as a percentage: ``21,3 %`` / ``21.3%``."""
    if _bad(x):
        return NA
    body = number(100 * x, lang, digits, sign)
    return f"{body}{NNBSP}%" if lang != "en" else f"{body}%"


def points(x: Any, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A difference of fractions in percentage points: ``+2,9 pts`` / ``+2.9 pp``."""
    if _bad(x):
        return NA
    return f"{number(100 * x, lang, digits, sign=True)}{NBSP}{_pick(lang, 'pts', 'pp')}"


def euros(x: Any, lang: str = DEFAULT_LANG, sign: bool = False) -> str:
    if _bad(x):
        return NA
    return f"{number(x, lang, 0, sign)}{NBSP}€"


def _digits(unit: Unit, x: Any, diff: bool) -> int:
    d = unit.diff_digits if diff else unit.digits
    if d is not None:
        return d
    a = 0.0 if _bad(x) else abs(float(x)) * unit.scale  # the magnitude shown
    return 0 if a >= 100 else 1 if a >= 10 else 2 if a >= 1 else 3


def _with_unit(body: str, unit: Unit, lang: str, diff: bool) -> str:
    suffix = unit.suffix(lang, diff)
    if not suffix or body == NA:
        return body
    if suffix == "%" and lang == "en":
        return body + suffix
    sep = NNBSP if suffix in ("%", "×") else NBSP
    if suffix.startswith("/"):
        return body + suffix
    return body + sep + suffix


def _clip(v: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and v < lo:
        return lo
    if hi is not None and v > hi:
        return hi
    return v


def value(key: str, x: Any, lang: str = DEFAULT_LANG, diff: bool = False,
          unit: bool = True, digits: int | None = None, signed: bool | None = None) -> str:
    """A metric's value in its unit (``31,9 %``; a difference ``+1,97 pts``).

    ``signed`` (default: ``diff``) writes a ``+`` before positive numbers.
    """
    u = metric(key).unit
    if _bad(x):
        return NA
    d = _digits(u, x, diff) if digits is None else digits
    body = number(float(x) * u.scale, lang, d, sign=diff if signed is None else signed)
    return _with_unit(body, u, lang, diff) if unit else body


def clip(key: str, lo: Any, hi: Any, diff: bool = False) -> tuple[Any, Any]:
    """An interval ``[lo, hi]`` clipped to the metric's range (``None`` bounds stay)."""
    dlo, dhi = domain(key, diff)
    return (None if _bad(lo) else _clip(float(lo), dlo, dhi),
            None if _bad(hi) else _clip(float(hi), dlo, dhi))


def bounds(key: str, lo: Any, hi: Any, lang: str = DEFAULT_LANG, diff: bool = False,
           digits: int | None = None) -> str:
    """``[lo ; hi]`` clipped to the metric's range, in its display scale (no unit)."""
    u = metric(key).unit
    lo, hi = clip(key, lo, hi, diff)
    if lo is None or hi is None:
        return NA
    d = _digits(u, max(abs(lo), abs(hi)), diff) if digits is None else digits
    sep = f"{NNBSP};" if lang != "en" else ";"
    return (f"[{number(lo * u.scale, lang, d, sign=diff)}{sep} "
            f"{number(hi * u.scale, lang, d, sign=diff)}]")


def interval(key: str, mean: Any, lo: Any, hi: Any, lang: str = DEFAULT_LANG,
             diff: bool = False) -> str:
    """A metric's mean and 95 % interval, clipped to its range: ``31,9 % [31,2 ; 32,6]``.

    The bounds use the mean's number of decimals; without an interval (one
    replication) only the mean is written.  ``diff`` writes a difference B − A
    (signed, rates in points).
    """
    if _bad(mean):
        return NA
    d = _digits(metric(key).unit, mean, diff)
    head = value(key, mean, lang, diff, digits=d)
    if _bad(lo) or _bad(hi):
        return head
    return f"{head} {bounds(key, lo, hi, lang, diff, digits=d)}"


def node(key: str, n: Mapping | None, lang: str = DEFAULT_LANG, diff: bool = False) -> str:
    """:func:`interval` of a summary node ``{"mean": x, "ci95": [lo, hi]}``."""
    if not n:
        return NA
    ci = n.get("ci95") or [None, None]
    return interval(key, n.get("mean"), ci[0], ci[1], lang, diff)


def table(rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the first row is the header, columns padded, a rule under it."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return ".," if lang == "en" else ", "
