"""Benefits: eligibility, monthly amount and claiming rules (DOMAIN §4).

Eligibility and amounts are the law as computed by OpenFisca-France: each
benefit looks its amount up in the tables of :mod:`sim.benefit_tables`
(household type x earnings x other income, one table per legislation month;
docs/benefit_rules.md).  The hand-written approximations of the first engine
are gone; nothing here is a formula of the law.

Each benefit is a small class: ``params`` (the claiming process, a strict
parameter tree, see :mod:`sim.params`) and a vectorised ``amount(pop, p)``
returning euros per month (0 where not eligible).  A benefit object is bound
to one legislation month; :meth:`Benefit.for_legislation` returns a copy bound
to another one (the registry's objects use :data:`DEFAULT_LEGISLATION`).
"""

from __future__ import annotations

import copy

import numpy as np

from . import benefit_tables
from .categories import Channel
from .params import Param

CHANNEL_NAMES = tuple(c.name for c in Channel)
DEFAULT_LEGISLATION = benefit_tables.DEFAULT_LEGISLATION


AGENCIES = ("caf", "carsat")
NAMES = ("prime_activite", "rsa", "aspa", "housing_benefit")


def _claiming(channels, complexity, renewal, delay, email, aware, complexity_src,
              renewal_src="CAF: quarterly declaration (DTR)", agency="caf", linked=(),
              linked_src="",
              channels_src="CAF: online claim, paper form at the CAF or by post, or through "
                           "a social worker or a France Services point; no claim by phone"):
    """The claiming-process parameters every benefit has."""
    return {
        "channels": Param(list(channels), kind="strs", choices=CHANNEL_NAMES, source=channels_src,
                          doc="routes through which a claim can be lodged ('counter' is the "
                              "agency's paper route: a file lodged at a counter or posted)"),
        "granted_with": Param(list(linked), kind="strs", choices=tuple(NAMES), source=linked_src,
                              doc="benefits whose recipients get this one without a claim when "
                                  "they become eligible (through their own declaration)"),
        "agency": Param(agency, kind="choice", choices=AGENCIES,
                        doc="the body that pays it: a household it already pays is in contact "
                            "with it (info_agency)"),
        "complexity": Param(complexity, "0-1", 0, 1, complexity_src,
                            doc="skill needed to file alone with even odds"),
        "renewal_months": Param(renewal, "months", 0, 24, renewal_src,
                                kind="int", doc="0 = no periodic renewal"),
        "processing_months": Param(delay, "months", 0, 12, "CAF/CARSAT processing times",
                                   kind="int"),
        "email_required": Param(email, kind="bool", source="CAF e-mail obligation (Mazet 2017)"),
        "knows_on_entry": Param(aware, "probability", 0, 1,
                                "assumption: how well known the benefit is",
                                doc="chance that a newly eligible household knows the benefit "
                                    "exists (it then believes itself eligible with "
                                    "process.belief_on_learning)"),
    }


class Benefit:
    """A benefit whose amount comes from the OpenFisca-France tables."""

    name: str = ""
    label: str = ""
    params: dict = {}
    legislation: str = DEFAULT_LEGISLATION

    def for_legislation(self, date: str) -> "Benefit":
        """A copy of this benefit bound to legislation month ``date`` ("YYYY-MM").

        Raises :class:`sim.params.ScenarioError` on the field ``legislation``
        when no table exists for that month.  Loads the table (once per process).
        """
        benefit_tables.schedule(self.name, date)
        out = copy.copy(self)
        out.legislation = date
        return out

    def amount(self, pop, p: dict) -> np.ndarray:
        """EUR/month for every household of ``pop`` (float32, 0 = not eligible).

        ``p`` (the claiming parameters) does not enter the amount: the law does.
        """
        return benefit_tables.amount(self.name, self.legislation, pop)


class PrimeActivite(Benefit):
    """In-work benefit (2016), online-only since its creation, quarterly renewal."""

    name = "prime_activite"
    label = "Prime d'activité"
    params = _claiming(["online_alone", "online_relative", "counter", "social_services",
                        "association"], 0.35, 3, 1, False, 0.669,
                       "assumption: short online form (CNAF)", linked=["rsa"],
                       linked_src="Assemblée nationale, answer of the minister (2017): RSA "
                                  "recipients who take up work need not claim the prime "
                                  "d'activité")


class RSA(Benefit):
    """Minimum income (RSA socle), quarterly declaration of resources."""

    name = "rsa"
    label = "RSA"
    params = _claiming(["online_alone", "online_relative", "counter", "social_services",
                        "association"], 0.5, 3, 1, False, 0.37,
                       "assumption: long form, many documents")


class ASPA(Benefit):
    """Allocation de solidarité aux personnes âgées (minimum vieillesse): paper file."""

    name = "aspa"
    label = "ASPA (minimum vieillesse)"
    params = _claiming(["counter", "social_services", "association"], 0.6, 0, 3, False,
                       0.45, "assumption: paper file, proofs of all resources", agency="carsat",
                       channels_src="CNAV form (service-public.fr): a paper form to the pension "
                                    "fund, by post or at a branch, or with a social worker; "
                                    "online only since January 2026; no claim by phone")


class HousingBenefit(Benefit):
    """Housing benefit (APL in social housing, ALS/ALF otherwise), claimed from the CAF.

    Resources are fetched by the CAF itself (tax data, then monthly payroll
    data since 2021): no periodic declaration.
    """

    name = "housing_benefit"
    label = "Aide au logement (APL/AL)"
    params = _claiming(["online_alone", "online_relative", "counter", "social_services",
                        "association"], 0.4, 0, 1, False, 0.75,
                       "assumption: online form plus the landlord's certificate",
                       renewal_src="CAF: resources fetched automatically (no declaration)")


REGISTRY: dict[str, Benefit] = {b.name: b for b in (PrimeActivite(), RSA(), ASPA(), HousingBenefit())}
"""Every benefit a scenario may enable (``benefits_enabled``)."""

DEFAULT_ENABLED: tuple[str, ...] = ("prime_activite", "rsa", "aspa")
"""Benefits enabled when a scenario does not say (housing benefit is optional, DOMAIN §4)."""
