"""Benefit amounts from the OpenFisca-France tables (sim.benefit_tables, sim.benefits).

Reference cases are published amounts (CAF / service-public.fr barèmes) or the
legal formula applied by hand to published parameters.  None of these tests
needs OpenFisca: regenerating the tables is checked by a separate command,
``make benefit-tables-check`` (docs/benefit_rules.md).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from sim import benefit_tables as bt
from sim.agents.households import Households
from sim.benefits import DEFAULT_ENABLED, REGISTRY
from sim.categories import HouseholdType, Tenure
from sim.defaults import SCENARIO
from sim.params import ScenarioError

OWNER, PRIVATE, SOCIAL = Tenure.owner, Tenure.private_renter, Tenure.social_renter


def households(rows: list[dict]) -> Households:
    """Households with the fields benefit rules read (age, type, children, tenure, incomes)."""
    h = Households(len(rows), 1)
    for i, r in enumerate(rows):
        h.age[i] = r.get("age", 40)
        h.household_type[i] = r.get("type", HouseholdType.alone)
        h.n_children[i] = r.get("children", 0)
        h.tenure[i] = r.get("tenure", OWNER)
        h.earnings[i] = r.get("earnings", 0.0)
        h.other_income[i] = r.get("other", 0.0)
    return h


def amount(benefit: str, legislation: str = "2021-04", **row) -> float:
    return float(bt.amount(benefit, legislation, households([row]))[0])


# -- provenance ------------------------------------------------------------------------
def test_provenance_names_openfisca_versions_dates_and_grid():
    prov = bt.provenance()
    assert prov["openfisca_france"] and prov["openfisca_core"]
    assert "generate.py" in prov["generator"]
    assert {"2016-04", "2019-04", "2021-04"} <= set(prov["legislations"])
    assert set(prov["benefits"]) == set(bt.BENEFITS)
    grid = prov["grid"]
    assert [b["lo"] for b in grid["age_bands"]] == [18, 25, 65]
    assert [t["label"] for t in grid["tenures"]] == [t.name for t in Tenure]
    assert grid["couple"] == [0, 1] and grid["children"] == [0, 1, 2, 3]
    assert np.all(np.diff(grid["other_income"]) > 0)
    for entry in prov["legislations"].values():
        # each legislation's earnings axis: the common nodes plus its bonus-ramp kinks
        assert np.all(np.diff(entry["earnings"]) > 0)
        assert set(grid["earnings"]) <= set(entry["earnings"])


@pytest.mark.parametrize("legislation", bt.legislations())
def test_table_hashes_match_provenance(legislation):
    entry = bt.provenance()["legislations"][legislation]
    blob = (bt.DATA / entry["file"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == entry["sha256"], (
        f"{entry['file']} changed without its provenance: run `make benefit-tables`")
    assert entry["max_amount_on_grid_edge"] == 0.0  # clamping beyond the grid gives 0
    assert entry["max_net_earnings_error"] < 0.05  # EUR: gross wages found for the net grid


def test_default_legislation_is_the_scenario_default_and_has_tables():
    assert bt.DEFAULT_LEGISLATION == SCENARIO["legislation"].default
    assert bt.check_legislation(bt.DEFAULT_LEGISLATION) == "2021-04"


@pytest.mark.parametrize("bad", ["2015-04", "2021-4", "April 2021", 2021, "2021-13"])
def test_unknown_legislation_is_a_scenario_error_naming_the_field(bad):
    with pytest.raises(ScenarioError) as err:
        REGISTRY["rsa"].for_legislation(bad)
    assert err.value.path == "legislation"


# -- published reference cases ---------------------------------------------------------
# RSA, single person 25-64 without income: montant forfaitaire minus the 12 %
# forfait logement (CASF R262-9; owners and housing-benefit recipients alike).
@pytest.mark.parametrize("legislation,forfait", [
    ("2016-04", 524.68), ("2019-04", 559.74), ("2021-04", 565.34), ("2024-04", 635.71)])
@pytest.mark.parametrize("tenure", [OWNER, PRIVATE, SOCIAL])
def test_rsa_single_without_income(legislation, forfait, tenure):
    expected = round(forfait * 0.88, 2)  # 2021: 565.34 - 67.84 = 497.50
    assert amount("rsa", legislation, tenure=tenure) == pytest.approx(expected, abs=0.01)


def test_rsa_needs_age_25_without_children():
    assert amount("rsa", age=24) == 0.0
    assert amount("rsa", age=24, type=HouseholdType.single_parent, children=1) > 0.0


def test_rsa_couple_two_children_without_income():
    # 565.34 x 2.1 - forfait logement 16.5 % x 1.8 x 565.34 - family allowance 32 % BMAF (414.81)
    expected = 565.34 * 2.1 - 0.165 * 1.8 * 565.34 - 0.32 * 414.81
    got = amount("rsa", type=HouseholdType.couple_children, children=2)
    assert got == pytest.approx(expected, abs=0.05)  # 886.57


# ASPA, no resources: the maximum amount, single 906.81 / couple 1,407.82 EUR in 2021
# (CNAV barème; the couple's annual 16,893.94 / 12 = 1,407.83 in OpenFisca).
@pytest.mark.parametrize("legislation,single,couple", [
    ("2016-04", 800.80, 1243.24), ("2019-04", 868.20, 1347.88),
    ("2021-04", 906.81, 1407.82), ("2024-04", 1012.02, 1571.16)])
def test_aspa_without_resources_is_the_ceiling(legislation, single, couple):
    assert amount("aspa", legislation, age=70) == pytest.approx(single, abs=0.02)
    assert amount("aspa", legislation, age=70, type=HouseholdType.couple) == pytest.approx(couple, abs=0.02)
    assert amount("aspa", legislation, age=64) == 0.0


def test_aspa_is_the_ceiling_minus_pension():
    assert amount("aspa", age=70, other=500.0) == pytest.approx(906.81 - 500.0, abs=0.02)


# Prime d'activité, single person at the minimum wage (1,231 EUR net in 2021):
# forfait 553.71 + 61 % of earnings + full individual bonus (29.101 % of the
# forfait = 161.14) - earnings, minus the 12 % forfait logement for an owner.
# OpenFisca averages the reference quarter (Jan-Mar, forfait 553.16), hence 1 EUR.
SMIC_NET_2021 = 1231.0


def test_prime_activite_single_at_minimum_wage():
    no_housing_aid = 553.71 + 161.14 + 0.61 * SMIC_NET_2021 - SMIC_NET_2021  # 234.76
    assert amount("prime_activite", tenure=PRIVATE, earnings=SMIC_NET_2021) == pytest.approx(
        no_housing_aid, abs=1.0)
    owner = no_housing_aid - 0.12 * 553.71  # 168.31
    assert amount("prime_activite", tenure=OWNER, earnings=SMIC_NET_2021) == pytest.approx(owner, abs=1.0)


def test_prime_activite_couple_two_children_one_minimum_wage():
    # forfait x 2.1 + 61 % earnings + bonus - (earnings + family allowance + forfait logement 3 pers.)
    expected = (553.71 * 2.1 + 161.14 + 0.61 * SMIC_NET_2021
                - (SMIC_NET_2021 + 0.32 * 414.81 + 0.165 * 1.8 * 553.71))  # 546.6
    got = amount("prime_activite", type=HouseholdType.couple_children, children=2,
                 earnings=SMIC_NET_2021)
    assert got == pytest.approx(expected, abs=2.0)


def test_prime_activite_single_exhaustion_point_2019():
    # service-public.fr, 4 Feb 2019: a single person is eligible up to 1,787 EUR net
    assert amount("prime_activite", "2019-04", tenure=PRIVATE, earnings=1750.0) > 0.0
    assert amount("prime_activite", "2019-04", tenure=PRIVATE, earnings=1800.0) == 0.0


def test_prime_activite_needs_earnings():
    assert amount("prime_activite", tenure=PRIVATE) == 0.0
    assert amount("prime_activite", tenure=PRIVATE, other=400.0) == 0.0


def test_housing_benefit_only_for_renters():
    assert amount("housing_benefit", tenure=OWNER) == 0.0
    assert amount("housing_benefit", tenure=PRIVATE) > 100.0
    assert amount("housing_benefit", tenure=SOCIAL) > 100.0
    assert amount("housing_benefit", tenure=PRIVATE, earnings=3000.0) == 0.0


# -- interpolation -----------------------------------------------------------------------
def _nodes(legislation="2021-04"):
    """Every grid node of every household type, with its tabulated values."""
    s = bt.schedule("rsa", legislation)
    codes, ie, io = np.meshgrid(np.arange(bt.N_TYPES), np.arange(len(s.earnings)),
                                np.arange(len(s.other_income)), indexing="ij")
    return s, codes.ravel(), ie.ravel(), io.ravel()


@pytest.mark.parametrize("benefit", bt.BENEFITS)
def test_interpolation_is_exact_on_grid_nodes(benefit):
    _, codes, ie, io = _nodes()
    s = bt.schedule(benefit)
    got = s.at(codes, s.earnings[ie], s.other_income[io])
    want = s.values[codes, ie, io]
    want = np.where(want >= max(s.min_payment, 0.005), want, 0.0)
    np.testing.assert_array_equal(got, want)


def test_interpolation_is_linear_between_nodes_and_clamped_outside():
    s = bt.schedule("aspa")
    code = int(bt.type_codes(households([{"age": 70}]))[0])
    e0, e1 = s.earnings[0], s.earnings[1]
    o0, o1 = s.other_income[4], s.other_income[5]
    mid = s.at(np.array([code]), np.array([(e0 + e1) / 2]), np.array([(o0 + o1) / 2]))[0]
    corners = s.values[code, 0:2, 4:6].astype(np.float64)
    assert mid == pytest.approx(corners.mean(), abs=1e-3)
    far = s.at(np.array([code]), np.array([1e6]), np.array([1e6]))[0]
    assert far == 0.0


def test_type_codes():
    rows = [{"type": t, "children": k, "age": a, "tenure": ten}
            for t in HouseholdType for k in (0, 1, 3, 5) for a in (18, 24, 25, 64, 65, 95)
            for ten in Tenure]
    codes = bt.type_codes(households(rows))
    assert codes.min() == 0 and codes.max() == bt.N_TYPES - 1
    one = households([{"type": HouseholdType.couple_children, "children": 2, "age": 70,
                       "tenure": SOCIAL}])
    assert bt.type_codes(one)[0] == ((1 * 4 + 2) * 3 + 2) * 3 + 2


# -- monotonicity where the law is monotone ------------------------------------------------
@pytest.mark.parametrize("legislation", bt.legislations())
def test_aspa_decreases_with_every_resource(legislation):
    v = bt.schedule("aspa", legislation).values
    assert np.all(np.diff(v, axis=1) <= 0.01) and np.all(np.diff(v, axis=2) <= 0.01)


@pytest.mark.parametrize("legislation", bt.legislations())
def test_rsa_of_owners_decreases_with_every_resource(legislation):
    # owners: forfait logement fixed (renters' housing benefit interacts with it)
    v = bt.schedule("rsa", legislation).values.reshape(2, 4, 3, 3, *bt.schedule("rsa", legislation).values.shape[1:])
    owners = v[:, :, :, OWNER]
    assert np.all(np.diff(owners, axis=-1) <= 0.01) and np.all(np.diff(owners, axis=-2) <= 0.01)


@pytest.mark.parametrize("legislation", bt.legislations())
def test_prime_activite_rises_with_first_earnings(legislation):
    # 61 % (2016: 62 %) of each euro earned is kept while resources stay under the forfait:
    # households without children or other income, under 65 (no ASPA), earnings up to 400
    s = bt.schedule("prime_activite", legislation)
    v = s.values.reshape(2, 4, 3, 3, *s.values.shape[1:])[:, 0, :2, :, :, 0]
    low = v[..., s.earnings <= 400]
    assert np.all(np.diff(low, axis=-1) > 0.5 * 50)


# -- engine interface ----------------------------------------------------------------------
def test_registry_benefits_read_the_tables():
    h = households([{"age": 40}, {"age": 70}, {"age": 40, "tenure": PRIVATE, "earnings": 900.0}])
    for name, benefit in REGISTRY.items():
        got = benefit.amount(h, {})
        assert got.dtype == np.float32 and got.shape == (3,)
        np.testing.assert_array_equal(got, bt.amount(name, bt.DEFAULT_LEGISLATION, h))
    assert set(DEFAULT_ENABLED) <= set(REGISTRY)


def test_for_legislation_binds_a_copy():
    rsa = REGISTRY["rsa"]
    old = rsa.for_legislation("2016-04")
    assert old is not rsa and old.legislation == "2016-04"
    assert rsa.legislation == bt.DEFAULT_LEGISLATION
    h = households([{"age": 40}])
    assert old.amount(h, {})[0] == pytest.approx(461.72, abs=0.01)
    assert rsa.amount(h, {})[0] == pytest.approx(497.50, abs=0.01)


def test_lookup_on_a_view_of_some_households():
    from sim.submodels.life_events import View

    h = households([{"age": 70}, {"age": 40}, {"age": 70, "other": 300.0}])
    idx = np.array([2, 0])
    got = REGISTRY["aspa"].amount(View(h, idx), {})
    np.testing.assert_allclose(got, [906.81 - 300.0, 906.81], atol=0.02)


def test_non_take_up_falls_with_the_amount_at_stake():
    # acceptance: the decision to claim reacts to the amount the tables give
    import sim

    res = sim.run("baseline_2013", replications=3, seed=11,
                  sets=["population.households=6000", "months=24", "report_months=12"])
    rate = {k: v["non_take_up_rate"]["mean"] for k, v in res.summary["by_amount_band"].items()}
    assert rate["<50"] > rate["150-300"] + 0.1
    assert rate["50-150"] > rate["300-500"]
