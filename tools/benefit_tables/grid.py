"""The grid on which OpenFisca-France computes benefit amounts (written to the provenance).

Changing anything here changes the committed tables: regenerate them
(``make benefit-tables``) and commit the CSV files and the provenance together.
Household-type codes must match :mod:`sim.benefit_tables` (it reads them back
from the provenance file and checks them).
"""

from __future__ import annotations

import numpy as np

# Legislation months computed (the month whose amounts are tabulated).
# 2016-04: first prime d'activité quarter; 2019-04: after the January 2019
# bonus increase; 2021-04: after the January 2021 housing-benefit reform
# (contemporaneous resources); 2024-04: recent law.
DATES = ("2016-04", "2019-04", "2021-04", "2024-04")

# Monthly net earnings of the household (EUR), all earned by the reference person.
# Fine steps where the schedules bend (minimum incomes, bonus ramp, exhaustion); each
# legislation adds the two ends of its prime d'activité bonus ramp (see bonus_kinks).
EARNINGS = np.concatenate([np.arange(0, 2000, 50), np.arange(2000, 4000, 100),
                           np.arange(4000, 6001, 250)]).astype(np.float64)
# Monthly other income (EUR): unemployment benefit below the ASPA age, pension above.
OTHER_INCOME = np.concatenate([np.arange(0, 2000, 50), np.arange(2000, 3000, 100),
                               np.arange(3000, 5001, 250)]).astype(np.float64)

COUPLE = (0, 1)
CHILDREN = (0, 1, 2, 3)
CHILD_AGES = (5, 8, 11)  # over 3 (no PAJE), under 14 (no age supplement)

# Age bands of the reference person (couples: both partners the same age).
AGE_BANDS = (
    {"code": 0, "label": "18-24", "lo": 18, "age": 22, "other_income": "unemployment"},
    {"code": 1, "label": "25-64", "lo": 25, "age": 40, "other_income": "unemployment"},
    {"code": 2, "label": "65+", "lo": 65, "age": 70, "other_income": "pension"},
)

# Tenure codes follow sim.categories.Tenure.  Rents (EUR/month by household size
# 1..5 persons) are assumptions: private rents ~11.5 EUR/m2 outside Paris
# (OLAP/Clameur 2021) on typical surfaces, social rents ~6 EUR/m2 (RPLS 2021).
# They are above the housing-benefit rent ceilings, as most rents are.
TENURES = (
    {"code": 0, "label": "owner", "openfisca": "proprietaire", "rent": (0, 0, 0, 0, 0)},
    {"code": 1, "label": "private_renter", "openfisca": "locataire_vide",
     "rent": (400, 550, 700, 850, 950)},
    {"code": 2, "label": "social_renter", "openfisca": "locataire_hlm",
     "rent": (250, 330, 400, 460, 520)},
)
ZONE_APL = "zone_2"  # housing-benefit zone: cities over 100,000 inhabitants outside Paris

HISTORY_YEARS = 2  # same income in the 2 years before (tax-based resources look 2 years back)
CHUNK = 4000  # households per OpenFisca simulation (memory: it caches every variable)
GROSS_MAX = 9000.0  # gross wage range tabulated to invert net -> gross (EUR/month)
GROSS_STEP = 0.25


def bonus_kinks(tbs, date: str) -> list[float]:
    """Net earnings where the prime d'activité bonus starts and stops rising (EUR, cents).

    The bonus ramps from ``seuil_bonification`` to ``seuil_max_bonification``
    times the gross hourly minimum wage; OpenFisca averages the quarter before
    the month, so the thresholds of those three months and of the month itself
    are all nodes (the schedule is piecewise linear between them).
    """
    year, month = int(date[:4]), int(date[5:7])
    out = set()
    for k in range(-3, 1):
        y, m = divmod(year * 12 + month - 1 + k, 12)
        p = tbs.parameters(f"{y:04d}-{m + 1:02d}-01")
        b = p.prestations_sociales.solidarite_insertion.minima_sociaux.ppa.pa_m.bonification
        smic = p.marche_travail.salaire_minimum.smic.smic_b_horaire
        out |= {round(b.seuil_bonification * smic, 2), round(b.seuil_max_bonification * smic, 2)}
    return sorted(out)


def earnings_nodes(tbs, date: str) -> np.ndarray:
    """The earnings axis of one legislation: :data:`EARNINGS` plus its bonus kinks."""
    return np.unique(np.concatenate([EARNINGS, bonus_kinks(tbs, date)]))


def definition() -> dict:
    """The grid as plain data, for the provenance file."""
    return {
        "earnings": [float(x) for x in EARNINGS],
        "earnings_note": "each legislation adds its bonus kinks: legislations.<date>.earnings",
        "other_income": [float(x) for x in OTHER_INCOME],
        "couple": list(COUPLE),
        "children": list(CHILDREN),
        "age_bands": [dict(b) for b in AGE_BANDS],
        "tenures": [{**t, "rent": list(t["rent"])} for t in TENURES],
        "child_ages": list(CHILD_AGES),
        "zone_apl": ZONE_APL,
        "steady_state": f"same monthly income in each of the {HISTORY_YEARS} years before "
                        "the legislation month and in it",
        "earnings_definition": "salaire_net of the reference person (gross salaire_de_base "
                               "found by inverting OpenFisca's net wage)",
        "other_income_definition": "chomage (under 65) or retraite (65+) of the reference "
                                   "person, gross = taxable = net",
        "units": "EUR per month",
    }
