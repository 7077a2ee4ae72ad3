"""Default parameters of the scenario tree, each with unit and source.

"assumption" marks a value set by the modellers without a direct statistic;
those are the free parameters the calibration issue fits.  Shares by age band
follow :class:`sim.categories.AgeBand` order (18-29, 30-44, 45-59, 60-74, 75+);
by territory: large city, small town, rural; by diploma: none, secondary,
higher; by household type: alone, couple, single parent, couple with children.
"""

from __future__ import annotations

from .benefits import DEFAULT_ENABLED, REGISTRY as BENEFITS
from .params import Param

MAX_HOUSEHOLDS = 50_000_000

POPULATION = {
    "households": Param(20_000, "households", 1, MAX_HOUSEHOLDS, kind="int",
                        doc="synthetic households simulated (capacities scale with it)"),
    "file": Param("", kind="str",
                  doc="CSV of households to use instead of generating them (path relative to "
                      "the scenario file; see README 'Population files')"),
    "age_shares": Param([0.11, 0.24, 0.27, 0.23, 0.15], "share", kind="shares", length=5,
                        source="INSEE RP 2019, households by age of reference person (rounded)"),
    "territory_shares": Param([0.43, 0.27, 0.30], "share", kind="shares", length=3,
                              source="INSEE grille de densité 2021: a third of people rural"),
    "diploma_none_by_age": Param([0.10, 0.13, 0.20, 0.32, 0.50], "share", 0, 1, kind="floats",
                                 length=5, source="INSEE Enquête emploi 2019 (rounded)"),
    "diploma_higher_by_age": Param([0.45, 0.47, 0.33, 0.22, 0.12], "share", 0, 1,
                                   kind="floats", length=5,
                                   source="INSEE Enquête emploi 2019 (rounded)"),
    "alone_by_age": Param([0.45, 0.28, 0.30, 0.38, 0.55], "share", 0, 1, kind="floats",
                          length=5, source="INSEE RP 2019, one-person households by age"),
    "children_by_age": Param([0.55, 0.85, 0.55, 0.08, 0.02], "share of non-alone", 0, 1,
                             kind="floats", length=5, source="INSEE RP 2019 (rounded)"),
    "single_parent_share": Param(0.25, "share of families", 0, 1,
                                 source="INSEE: 25 % of families with children are single-parent"),
    "employment_by_age": Param([0.62, 0.80, 0.78, 0.15, 0.0], "share of non-retired", 0, 1,
                               kind="floats", length=5,
                               source="INSEE Enquête emploi 2019, employment rate (household head)"),
    "retired_by_age": Param([0.0, 0.0, 0.03, 0.75, 1.0], "share", 0, 1, kind="floats", length=5,
                            source="INSEE: retirement from 62"),
    "earnings_median": Param(1850.0, "EUR/month", 100, 20_000,
                             source="INSEE 2021: median net monthly wage incl. part-time"),
    "earnings_sigma": Param(0.55, "log-sd", 0.05, 2, source="INSEE wage dispersion D9/D1 ~ 3"),
    "low_pay_share": Param(0.22, "share of workers", 0, 1,
                           source="DARES: part-time and short contracts"),
    "earnings_by_diploma": Param([0.78, 1.0, 1.45], "factor", 0.1, 5, kind="floats", length=3,
                                 source="INSEE: wages by diploma"),
    "tenure_shares": Param([0.58, 0.25, 0.17], "share", kind="shares", length=3,
                           source="INSEE 2020: owners 58 %, private renters 25 %, social housing 17 %"),
    "second_earner_share": Param(0.7, "share of couples", 0, 1, source="INSEE: dual-earner couples"),
    "other_income_median": Param(650.0, "EUR/month", 0, 10_000,
                                 source="assumption: unemployment benefit (ARE/ASS) median"),
    "no_other_income_share": Param(0.3, "share of non-employed", 0, 1,
                                   source="assumption: not covered by unemployment insurance"),
    "pension_median": Param(1450.0, "EUR/month", 100, 10_000,
                            source="DREES 2021: mean own-right pension ~1,500 EUR net"),
    "pension_sigma": Param(0.45, "log-sd", 0.05, 2, source="assumption"),
    "reluctance_sigma": Param(0.5, "log-sd", 0, 5,
                              source="assumption: idiosyncratic spread of the psychological cost "
                                     "around what traits predict"),
    "other_benefit": {
        "families": Param(0.9, "probability", 0, 1,
                          source="CNAF: family allowances from the second child (universal); "
                                 "young-child and single-parent benefits (half as often with one "
                                 "child)"),
        "single_parents": Param(0.8, "probability", 0, 1,
                                source="CNAF: the allocation de soutien familial goes to single "
                                       "parents without alimony, young-child benefits to the "
                                       "youngest families (assumption for the share)"),
        "social_renters": Param(0.9, "probability", 0, 1,
                                source="assumption: APL in social housing is near universal for "
                                       "tenants of the bottom two income quintiles"),
        "private_renters": Param(0.435, "probability", 0, 1,
                                 source="calibrated: housing benefit of private tenants of the "
                                        "bottom two quintiles (DREES 2022: RSA non-take-up 33 % "
                                        "of private tenants vs 15 % in social housing)"),
    },
    "digital": {
        "intercept": Param(2.503, "logit", -10, 10, source="fitted to INSEE Première 1780"),
        "age": Param([0.9604, 0.436, 0.1546, -0.8052, -2.511], "logit", -10, 10, kind="floats", length=5,
                     source="fitted: no internet use 64 % of 75+ (INSEE 2019)"),
        "diploma": Param([-1.292, 0.0, 0.009086], "logit", -10, 10, kind="floats", length=3,
                         source="fitted: no internet use 41 % without diploma (INSEE 2019)"),
        "income_quintile": Param(0.5122, "logit per quintile", -5, 5,
                                 source="fitted: no home internet q1 16 % vs q5 4 %"),
        "alone": Param(0.1545, "logit", -5, 5, source="INSEE 2023: living alone ×3.2 illectronism"),
        "territory": Param([0.6882, -0.2, -0.3927], "logit", -5, 5, kind="floats", length=3,
                           source="INSEE Analyses 85: rural 22-24 % vs big cities 13 %"),
        "noise_sd": Param(1.0, "logit", 0, 5, source="assumption"),
        "computer_threshold": Param(1.3, "logit", -5, 10,
                                    source="assumption: smartphone-only users ~ 1/5"),
        "home_internet_shift": Param(2.634, "logit", -5, 5,
                                     source="fitted: no home internet 12 % (INSEE 2019)"),
        "skill_shift": Param(-1.1, "logit", -5, 5, source="fitted: illectronism 17 % (INSEE 2019)"),
        "skill_noise": Param(0.3427, "logit sd", 0, 5,
                             source="fitted: illectronism (INSEE 2023) is little more than no use "
                                    "(INSEE 2019): skill follows the propensity closely"),
        "nonuser_home_shift": Param(-2.899, "logit", -10, 5,
                                    source="fitted: no home internet 34 % without a diploma vs "
                                           "no use 41 % (INSEE 2019): some non-users live in a "
                                           "connected household"),
        "email_shift": Param(0.5, "logit", -5, 5,
                             source="assumption: a fifth of smartphone-only users have no e-mail"),
        "quasi_user_share": Param(0.15, "share of non-users", 0, 1,
                                  source="assumption (Aquitaine survey typology, Mazet 2017)"),
        "radical_share": Param(0.35, "share of non-users", 0, 1, source="assumption"),
        "dropout_share": Param(0.15, "share of non-users", 0, 1, source="assumption"),
        "suffered_share": Param(0.5123, "share of non-users", 0, 1,
                                source="CREDOC 2012: competence 41 % + money 12 % vs 21 % + 12 %"),
        "chosen_useless_share": Param(0.6659, "share of chosen non-connection", 0, 1,
                                      source="CREDOC 2012: useless 21 % vs data fear 12 %"),
        "suffered_competence_share": Param(0.7876, "share of suffered non-connection", 0, 1,
                                           source="CREDOC 2012: competence 41 % vs money 12 %"),
    },
    "network": {
        "helpers_by_type": Param([0.9, 1.6, 1.2, 1.8], "mean helpers", 0, 20, kind="floats",
                                 length=4, source="assumption; family first mediator (Marsouin 2011)"),
        "helpers_old_factor": Param(1.2, "factor for 75+", 0, 5,
                                    source="assumption: adult children help the oldest"),
        "helpers_rural_factor": Param(0.85, "factor", 0, 5, source="assumption"),
        "helper_min_skill": Param(0.55, "skill 0-1", 0, 1,
                                  source="assumption: helper must be at ease online"),
        "helper_hours": Param(3.0, "hours/month", 0, 100,
                              source="assumption: informal help is limited"),
    },
}

PROCESS = {
    "income_redraw_rate": Param(0.04385, "probability/month", 0, 1,
                                source="assumption: DREES, a third of RSA recipients leave within "
                                       "a year; job and pay changes (calibrated)"),
    # -- information (DOMAIN §3 step 2): knowing the benefit, then believing oneself eligible --
    "info_base": Param(0.01409, "probability/month", 0, 1,
                       source="assumption (calibrated): media, word of mouth; learning that the "
                              "benefit exists (CNAF e-ssentiel 124: 46 % of RSA never-recipients "
                              "did not know it)"),
    "info_relatives": Param(0.03, "probability/month", 0, 1,
                            source="assumption: relatives and colleagues pass the right on (CNAF "
                                   "2020 qualitative study of the prime d'activité: the trigger "
                                   "of a late claim is most often someone close)"),
    "info_agency": Param(0.3577, "probability/month", 0, 1,
                         source="assumption (calibrated): the agency flags an unclaimed right in "
                                "the file of a household it already pays (DREES 2022: RSA "
                                "non-take-up 16 % among prime d'activité recipients vs 39 %)"),
    "belief_on_learning": Param(0.2875, "probability", 0, 1,
                                source="assumption (calibrated): learning that a benefit exists "
                                       "is not learning one is eligible (CNAF 2012: 19 % of RSA "
                                       "never-recipients knew it and were sure not to be eligible)"),
    "belief_update": Param(0.05, "probability/month", 0, 1,
                           source="assumption (calibrated): a household that knows the benefit "
                                  "checks again whether it is eligible (online simulator)"),
    "belief_update_offline": Param(0.3, "factor", 0, 1,
                                   source="assumption: without going online, re-checking "
                                          "eligibility is rarer (the CAF simulator)"),
    "propose": {
        "counter": Param(0.5, "probability", 0, 1,
                         source="assumption: counter staff check other rights at a visit"),
        "phone": Param(0.2, "probability", 0, 1,
                       source="assumption: a phone agent answers the question asked"),
        "social_services": Param(0.7, "probability", 0, 1,
                                 source="assumption: social workers review rights (accès aux "
                                        "droits is core social work)"),
        "association": Param(0.6, "probability", 0, 1,
                             source="assumption: France Services agents are trained to "
                                    "check other rights"),
        "relative": Param(0.3, "probability", 0, 1,
                          source="assumption: a relative helping online may notice a right"),
    },
    "propose_load_drop": Param(0.5, "share", 0, 1,
                               source="assumption: at full load an agent proposes half as often "
                                      "(UNCCAS 2019: saturation crowds out access to rights)"),
    "core_contact_rate": Param(0.04, "probability/month", 0, 1,
                               source="assumption: households followed by social services "
                                      "(bottom income quintile, RSA recipients) see a social "
                                      "worker about every two years"),
    "call_rate": Param(0.12, "probability/month", 0, 1,
                       source="assumption: recipients call the agency about their file (the "
                              "demand that fills its phone line)"),
    "value_of_time": Param(15.0, "EUR/hour", 0, 100,
                           source="SMIC net hourly 2021 ~ 8.1 EUR, plus transport and childcare"),
    # -- the decision to claim (step 3) ---------------------------------------------------
    "gain_horizon": Param(1.5, "months", 0.5, 60,
                          source="assumption: households weigh the next quarter's payments"),
    "turnover_rate": Param(0.008, "probability/month", 0, 1,
                           source="INSEE: ~10 % of households move each year; formation, separation"),
    "mortality_75_plus": Param(0.006, "probability/month", 0, 1,
                               source="INSEE: death rate ~7 % a year after 75 (household replaced)"),
    "claim_scale": Param(100.0, "EUR", 1, 10_000, source="assumption: spread of the decision"),
    "claim_max": Param(0.7133, "probability/month", 0, 1,
                       source="assumption: claiming takes time to decide"),
    "claim_floor_hours": Param(1.0, "hours", 0, 100,
                               source="assumption: the least any claim costs (an hour of "
                                      "forms); a gain below it is a 'low financial interest'"),
    "stigma": {
        "prime_activite": Param(60.0, "EUR", 0, 10_000, source="assumption (calibrated): low "
                                "stigma in-work (DGCS 2017: less stigmatising than RSA activité)"),
        "rsa": Param(297.7, "EUR", 0, 10_000,
                     source="assumption (calibrated): welfare stigma (ODENORE)"),
        "aspa": Param(252.8, "EUR", 0, 10_000,
                      source="assumption (calibrated): recovery on estate deters claims "
                             "(DREES 2022)"),
        "housing_benefit": Param(30.0, "EUR", 0, 10_000,
                                 source="assumption: little stigma (a common CAF benefit)"),
    },
    "psych": {
        "couple_no_children": Param(0.2554, "log-factor", -5, 5,
                                    source="calibrated: couples 'feel they manage better' (CNAF "
                                           "2012; DREES 2022: 49 % non-take-up of childless "
                                           "couples vs 16 % of single mothers)"),
        "diploma": Param([0.0, 0.3, -0.09747], "log-factor", -5, 5, kind="floats", length=3,
                         source="calibrated: graduates refuse more to depend on assistance and "
                                "believe their situation transitory (CNAF 2012: lower non-take-up "
                                "without a diploma)"),
        "owner": Param(0.5076, "log-factor", -5, 5,
                       source="calibrated: owners claim less (DREES 2022: 61 % vs 15 % in "
                              "social housing)"),
        "employed": Param(0.2, "log-factor", -5, 5,
                          source="assumption: in work, the need looks transitory (CNAF 2012)"),
        "known_to_agency": Param(-2.671, "log-factor", -5, 5,
                                 source="calibrated: already an allocataire, the threshold of "
                                        "asking is crossed (DREES 2022: RSA non-take-up 18 % "
                                        "among housing-benefit recipients vs 57 %)"),
    },
    "learning_cost": Param(250.0, "EUR", 0, 10_000, source="assumption (Herd & Moynihan)"),
    "fear_of_error": Param(150.0, "EUR", 0, 10_000, source="assumption (Herd & Moynihan)"),
    "data_fear_cost": Param(300.0, "EUR", 0, 10_000,
                            source="assumption: 12 % of non-users fear for their data"),
    "mediated_cost": Param(120.0, "EUR", 0, 10_000,
                           source="assumption: asking a stranger for help"),
    "relative_cost": Param(60.0, "EUR", 0, 10_000, source="assumption: asking a favour"),
    "paper_renewal_factor": Param(0.7188, "factor", 0, 1,
                                  source="calibrated: a declaration bears this share of the paper "
                                         "form's cost (asked once, then sent on paper; CNAF 2017: "
                                         "95 % of declarations online vs 87 % of first claims)"),
    "paper_cost": Param(131.5, "EUR", 0, 10_000,
                        source="assumption (calibrated): asking for the paper form of an "
                               "online-first benefit (DGCS 2017: 13 % of first claims of the "
                               "prime d'activité on paper)"),
    "memory_penalty": Param(100.0, "EUR", 0, 10_000,
                            source="assumption: a route that failed is expected to fail again"),
    # -- routes, time and travel (step 4) -----------------------------------------------------
    "travel_hours": Param([0.5, 1.0, 1.8], "hours/trip", 0, 24, kind="floats", length=3,
                          source="assumption: INSEE access times to services by territory"),
    "closed_travel_factor": Param(2.5, "factor", 1, 20,
                                  source="assumption: next counter further away"),
    "online_detour_hours": Param(6.0, "hours at skill 0", 0, 100,
                                 source="assumption: e-mail, scans, codes, return trips (Mazet 2017)"),
    "email_setup_hours": Param(2.0, "hours", 0, 100,
                               source="assumption: creating an e-mail address (household and "
                                      "helper time)"),
    "self_email_skill": Param(0.4, "skill 0-1", 0, 1,
                              source="assumption: above it a household creates an address itself"),
    "booking_hours": Param(1.0, "hours", 0, 100,
                           source="assumption: booking a counter appointment online"),
    "paperwork_hours": Param(4.0, "hours at complexity 1", 0, 100, source="assumption"),
    "known_file_factor": Param(0.5, "factor", 0, 1,
                               source="assumption (calibrated): the agency already holds the file "
                                      "of a household it pays, the claim is lighter (DREES 2022: "
                                      "RSA non-take-up 16 % among prime d'activité recipients)"),
    "seek_help_hours": Param(1.0, "hours", 0, 100,
                             source="assumption: finding where to get help and getting there "
                                    "the first time"),
    "queue_hours": Param(0.5, "hours/month", 0, 100,
                         source="assumption: calls and trips while a claim waits for a slot"),
    "choice_scale": Param(25.0, "EUR", 0.1, 10_000, source="assumption: logit noise"),
    "min_skill_online": Param(0.15, "skill 0-1", 0, 1,
                              source="assumption: below it going online alone is no option"),
    "success_slope": Param(8.0, "logit per skill", 0, 100, source="assumption"),
    "success": {
        "counter": Param(0.9, "probability", 0, 1, source="assumption"),
        "phone": Param(0.65, "probability", 0, 1, source="assumption"),
        "do_for": Param(0.95, "probability", 0, 1, source="assumption"),
        "teach": Param(0.85, "probability", 0, 1, source="assumption"),
    },
    "incomplete": {
        "alone": Param(0.35, "probability at skill 0", 0, 1, source="assumption"),
        "mediated": Param(0.08, "probability", 0, 1, source="assumption"),
    },
    "max_failures": Param(3, "attempts", 1, 50, kind="int", source="assumption"),
    "follow_up_months": Param(3, "months", 1, 60, kind="int",
                              source="convention: a failed attempt not followed by another within "
                                     "a quarter counts as giving up (outcomes after a failure)"),
    "give_up_months": Param(12, "months", 1, 120, kind="int", source="assumption"),
    "queue_leave": Param(0.3, "probability/month", 0, 1,
                         source="assumption: some leave a saturated queue"),
    "referral_prob": Param(0.7, "probability", 0, 1,
                           source="Mazet 2017: social services refer on to associations"),
    "hours": {
        "do_for": Param(1.0, "hours/claim", 0, 100, source="assumption"),
        "teach": Param(2.0, "hours/claim", 0, 100, source="assumption: teaching is slower"),
        "relative": Param(1.5, "hours/claim", 0, 100, source="assumption"),
        "counter": Param(0.5, "hours/visit", 0, 100, source="assumption"),
        "renewal": Param(0.5, "hours/renewal", 0, 100, source="assumption"),
        "core_contact": Param(1.5, "hours/contact", 0, 100, source="assumption"),
    },
    "teach_load_drop": Param(0.5, "share", 0, 1,
                             source="assumption: at full load a mediator teaches half as often "
                                    "as with time to spare"),
    "credentials_left": Param(0.5, "probability", 0, 1,
                              source="Mazet 2017: access codes kept in agents' drawers"),
    "practice_gain": Param(0.03, "skill/attempt", 0, 1, source="assumption"),
    "teach_gain": Param(0.15, "skill/session", 0, 1,
                        source="assumption: a taught session moves a household towards filing "
                               "alone"),
    "autonomy_skill": Param(0.5, "skill 0-1", 0, 1,
                            source="assumption: skill above which a household files alone; a "
                                   "household done-for below it needs help again"),
    "quasi_user_rate": Param(0.02, "probability/month", 0, 1,
                             source="assumption: quasi-users go online soon"),
    "dropout_rate": Param(0.001, "probability/month", 0, 1, source="assumption"),
}

INSTITUTIONS = {
    "counter_visits": Param(400.0, "visits/month per 10k households", 0, 100_000,
                            source="assumption: CAF reception capacity"),
    "counter_open_share": Param([1.0, 1.0, 1.0], "share", 0, 1, kind="floats", length=3,
                                source="baseline: all counters open (pre-2015)"),
    "counter_hours_factor": Param(1.0, "factor", 0, 10, source="baseline opening hours"),
    "appointment_only": Param(False, kind="bool", source="baseline: walk-in counters"),
    "phone_calls": Param(197.8, "calls answered/month per 10k households", 0, 100_000,
                         source="calibrated: CNAF 2016, 78.4 % of calls answered"),
    "social_worker_hours": Param(120.0, "hours/month per 10k households", 0, 100_000,
                                 source="assumption: ~1 FTE polyvalent social worker per 10k households"),
    "digital_share_cap": Param(1.0, "share of hours", 0, 1,
                               source="baseline: no fixed cap, digital help and core work share "
                                      "the hours by demand (UNCCAS 2019: digital help crowds out "
                                      "core work); a policy may protect core work"),
    "association_hours": Param(20.0, "hours/month per 10k households", 0, 100_000,
                               source="assumption: a few mediation points, pre-France Services"),
    "association_presence": Param([0.95, 0.7, 0.4], "share of households in reach", 0, 1,
                                  kind="floats", length=3, source="assumption"),
    "teach_propensity": Param(0.7481, "probability", 0, 1,
                              source="assumption: a mediator with time teaches an equipped "
                                     "household; under load they do it for them (Emmaüs "
                                     "Connect 2016: 75 % of social workers do it in the "
                                     "user's place)"),
    "orientation_rate": Param(0.15, "probability", 0, 1,
                              source="assumption: the agency orients a share of failed online "
                                     "claimants to social services or France Services"),
}


# The population the simulated households stand for: every count and flow is also reported
# scaled to it (summary block `national`, sim/national.py).  Territory presets state their own.
REPRESENTED = {
    "households": Param(0, "households", 0, 1_000_000_000, kind="int",
                        doc="households the simulated population stands for; 0: France "
                            "(metropolitan and overseas) in the legislation's year, from the "
                            "INSEE census (table in sim/national.py)"),
    "name": Param("", kind="str", doc="what they are, shown with national figures (empty: France)"),
    "source": Param("", kind="str", doc="where that number of households comes from"),
}

# Unit costs of the cost ledger (sim/costs.py): who bears which cost, in hours and euros.
# Each bearer has its own unit costs, so changing one moves that bearer's euros only.  They
# price the results and change no behaviour (households weigh process.value_of_time).
# Euros are those of each source's year, not deflated.
COSTS = {
    "full_time_hours": Param(1607.0, "hours/year", 1, 8760,
                             source="a full-time post works 1,607 hours a year (loi 2004-626 and "
                                    "décrets 2000-815, 2001-623, fonction publique; the same "
                                    "annual reference in the private sector is UNVERIFIED): FTE "
                                    "= hours / this"),
    "agency": {
        "hourly_cost": Param(32.6, "EUR/hour", 0, 1000,
                             source="derived, UNVERIFIED (no published cost of a CAF agent found): "
                                    "DREES 2023 mean pay of public-sector social professionals "
                                    "2,350 EUR net a month full-time / 0.78 (net to gross) + ~45 % "
                                    "employer contributions = ~4,370 EUR a month, x 12 / 1,607 h"),
        "counter_hours_per_visit": Param(0.5, "hours/visit", 0, 100,
                                         source="assumption: an agent staffs a 30-minute slot for "
                                                "each visit the counters can receive, used or not "
                                                "(the agency pays for opening hours)"),
        "phone_hours_per_call": Param(0.15, "hours/call", 0, 100,
                                      source="assumption: ~9 minutes of an adviser (answer and "
                                             "follow-up) for each call the line can answer, used "
                                             "or not"),
        "processing_hours": {
            "claim_online": Param(0.75, "hours/file", 0, 100,
                                  source="assumption: checking a claim lodged online (no "
                                         "published cost per file and channel found)"),
            "claim_paper": Param(1.25, "hours/file", 0, 100,
                                 source="assumption: a paper claim (counter, posted) is keyed in "
                                        "and scanned as well"),
            "declaration_online": Param(0.02, "hours/file", 0, 100,
                                        source="assumption: an online quarterly declaration is "
                                               "checked automatically, a few are reviewed"),
            "declaration_paper": Param(0.25, "hours/file", 0, 100,
                                       source="assumption: a paper or phone declaration is keyed "
                                              "in by an agent"),
        },
    },
    "social_services": {
        "hourly_cost": Param(28.0, "EUR/hour", 0, 1000,
                             source="derived (±25 %): an assistant socio-éducatif (FPT, catégorie "
                                    "A) mid-career, treatment ~2,200 EUR a month (grid 2022) + "
                                    "bonuses (treatment = 80 % of pay) + ~46 % employer "
                                    "contributions on the treatment (CNRACL 31.65 %, maladie "
                                    "8.88 %, family 5.25 %, CSA 0.3 %, FNAL; 2024) = ~3,800 EUR "
                                    "a month, x 12 / 1,607 h"),
    },
    "associations": {
        "hourly_cost": Param(30.0, "EUR/hour", 0, 1000,
                             source="derived (±30 %): a France Services costs ~110,000 EUR a year "
                                    "with 2.2-2.5 agents (IGA 2020, Sénat report 778, 2022): "
                                    "110,000 / (2.3 x 1,607 h), running costs included"),
    },
    "relatives": {
        "value_of_time": Param(9.23, "EUR/hour", 0, 1000,
                               source="convention: an hour of a relative's help valued at the net "
                                      "hourly minimum wage (SMIC 1 January 2024, décret "
                                      "2023-1216: 11.65 EUR gross, ~9.23 EUR net); the official "
                                      "value of time for personal trips (Quinet 2013, ~7-9 "
                                      "EUR/h, secondary sources, UNVERIFIED) is lower"),
    },
    "households": {
        "value_of_time": Param(9.23, "EUR/hour", 0, 1000,
                               source="convention: households' hours valued at the net hourly "
                                      "minimum wage (SMIC 1 January 2024, décret 2023-1216, "
                                      "~9.23 EUR net), the pay an hour of work would bring at "
                                      "the minimum wage; not process.value_of_time, which is "
                                      "what households weigh when they choose"),
        "km_per_travel_hour": Param(20.0, "km/hour", 0, 200,
                                    source="assumption: door-to-door trips by car, bus or on foot, "
                                           "waiting included, turn the model's travel hours into "
                                           "kilometres"),
        "euros_per_km": Param(0.636, "EUR/km", 0, 10,
                              source="barème kilométrique fiscal for 2023-2024 incomes, 5 CV car, "
                                     "up to 5,000 km a year (DGFiP, secondary source): the full "
                                     "cost of a car-km, an upper bound of a trip's marginal cost "
                                     "(fuel and wear ~0.15-0.25 EUR/km, UNVERIFIED)"),
    },
    "programmes": {
        "training_per_household": Param(60.0, "EUR/household", 0, 100_000,
                                        source="assumption: a few group workshops with a "
                                               "conseiller numérique (~2 hours of adviser time "
                                               "at ~30 EUR/h)"),
        "equipment_per_household": Param(200.0, "EUR/household", 0, 100_000,
                                         source="assumption, UNVERIFIED: a refurbished smartphone "
                                                "and a year of a low-cost data plan"),
        "safe_per_household": Param(20.0, "EUR/household", 0, 100_000,
                                    source="assumption, UNVERIFIED: opening a digital safe and a "
                                           "year of hosting and support"),
    },
}


def benefit_tree() -> dict:
    return {name: b.params for name, b in BENEFITS.items()}


SCENARIO = {
    "name": Param("unnamed", kind="str"),
    "description": Param("", kind="str"),
    "preset": Param("france_2021", kind="str",
                    doc="calibrated preset the scenario starts from (sim/calibration/presets), or none"),
    "seed": Param(12345, "", 0, 2**63 - 1, kind="int", doc="root of the SeedSequence"),
    "months": Param(36, "months", 1, 600, kind="int"),
    "report_months": Param(12, "months", 1, 600, kind="int",
                           doc="summary metrics average the last N months"),
    "legislation": Param("2021-04", kind="str",
                         doc="legislation date (YYYY-MM) of benefit amounts and rules"),
    "benefits_enabled": Param(list(DEFAULT_ENABLED), kind="strs", choices=tuple(BENEFITS),
                              doc="benefits simulated (housing_benefit is available, off by default)"),
    "population": POPULATION,
    "process": PROCESS,
    "institutions": INSTITUTIONS,
    "benefits": benefit_tree(),
    "represented": REPRESENTED,
    "costs": COSTS,
}
