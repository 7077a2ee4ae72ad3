"""Compute benefit schedules with OpenFisca-France and write them under sim/data/.

Runs in its own environment (``make benefit-tables``; requirements pinned in
``tools/benefit_tables/requirements.txt``), never in the simulator's: the
simulator only reads the CSV files this script writes (:mod:`sim.benefit_tables`).

For each legislation date (a month, e.g. 2021-04) and each household type of
the grid (:mod:`grid`: alone / couple, 0-3 children, age band, tenure), one
synthetic household per node of the (monthly net earnings x monthly other
income) grid is simulated in steady state: the same income every month for
the three years before the date.  OpenFisca computes, for that month,

    prime_activite   ppa            (famille)
    rsa              rsa            (famille)
    aspa             aspa           (famille)
    housing_benefit  aide_logement  (famille: APL, ALS or ALF)

Usage (from the repository root)::

    .venv-openfisca/bin/python tools/benefit_tables/generate.py            # write sim/data/
    .venv-openfisca/bin/python tools/benefit_tables/generate.py --check    # regenerate in a temp dir, compare bytes
    .venv-openfisca/bin/python tools/benefit_tables/generate.py --dates 2024-04 --out /tmp/t

Output is deterministic: fixed node order, amounts written with two decimals
(trailing zeros stripped), rows where every benefit is 0 left out, LF line ends.
"""

from __future__ import annotations

import argparse
import filecmp
import gc
import hashlib
import importlib.metadata
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import grid  # noqa: E402  (sibling module, also run as a script)

ROOT = HERE.parent.parent
DEFAULT_OUT = ROOT / "sim" / "data"
TABLE_NAME = "benefit_tables_{date}.csv"
PROVENANCE = "benefit_tables.json"
GENERATOR_CMD = "make benefit-tables  (= .venv-openfisca/bin/python tools/benefit_tables/generate.py)"

# OpenFisca output variable of each benefit (all on the 'famille' entity, EUR/month)
OUTPUTS = {
    "prime_activite": "ppa",
    "rsa": "rsa",
    "aspa": "aspa",
    "housing_benefit": "aide_logement",
}


# -- OpenFisca helpers -------------------------------------------------------------
def tax_benefit_system():
    from openfisca_france import FranceTaxBenefitSystem

    return FranceTaxBenefitSystem()


def _build(tbs, n_households: int, n_adults: int, n_children: int):
    """An OpenFisca simulation of ``n_households`` identical compositions (arrays, no JSON)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    size = n_adults + n_children
    n = n_households * size
    hh_of_person = np.repeat(np.arange(n_households), size)
    rank = np.tile(np.arange(size), n_households)
    adult = rank < n_adults
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    sb.declare_person_entity("individu", [f"i{k}" for k in range(n)])
    roles = {
        "famille": ("demandeur", "conjoint", "enfant"),
        "foyer_fiscal": ("declarant_principal", "conjoint", "personne_a_charge"),
        "menage": ("personne_de_reference", "conjoint", "enfant"),
    }
    for entity, (first, second, child) in roles.items():
        ids = [f"{entity[0]}{k}" for k in range(n_households)]
        group = sb.declare_entity(entity, ids)
        role = np.where(rank == 0, first, np.where(adult, second, child))
        sb.join_with_persons(group, np.asarray(ids)[hh_of_person], list(role))
    return sb.build(tbs), rank, adult


def _years(date: str) -> list[str]:
    year = int(date[:4])
    return [str(y) for y in range(year - grid.HISTORY_YEARS, year + 1)]


def gross_for_net(tbs, date: str, net: np.ndarray) -> np.ndarray:
    """Gross monthly wage (``salaire_de_base``) whose ``salaire_net`` in ``date`` is ``net``.

    OpenFisca tabulates net against a fine gross grid; each target net gets the
    lowest gross reaching it, interpolated linearly between the two tabulated
    points around it.  (Net is not quite monotone: at the social-security
    ceiling a contribution starts on the whole wage and net drops by a few euros.)
    """
    gross = np.arange(0.0, grid.GROSS_MAX + grid.GROSS_STEP / 2, grid.GROSS_STEP)
    sim, _, _ = _build(tbs, len(gross), 1, 0)
    sim.set_input("salaire_de_base", date[:4], gross * 12)
    got = sim.calculate("salaire_net", date).astype(np.float64)
    reach = np.maximum.accumulate(got)
    if net.max() > reach[-1]:
        raise RuntimeError(f"{date}: raise grid.GROSS_MAX, net {net.max()} is out of reach")
    hi = np.maximum(np.searchsorted(reach, net, side="left"), 1)
    lo = hi - 1
    w = np.where(got[hi] > got[lo], (net - got[lo]) / np.where(got[hi] > got[lo], got[hi] - got[lo], 1.0), 0.0)
    return np.where(net <= got[0], gross[0], gross[lo] + np.clip(w, 0.0, 1.0) * (gross[hi] - gross[lo]))


def thresholds(tbs, date: str) -> dict:
    """Legal parameters the simulator needs beside the tables (read from OpenFisca)."""
    p = tbs.parameters(f"{date}-01")
    ms = p.prestations_sociales.solidarite_insertion.minima_sociaux
    mv = p.prestations_sociales.solidarite_insertion.minimum_vieillesse
    al = p.prestations_sociales.aides_logement.allocations_logement.locatif.seuils_minimum_versement
    return {
        "min_payment": {
            "prime_activite": float(ms.ppa.pa_m.montant_minimum_verse),
            "rsa": float(ms.rsa.rsa_maj.montant_minimum_verse),
            "aspa": 0.0,
            "housing_benefit": float(al.non_apl),
        },
        "rsa_age_min": int(ms.rsa.rsa_cond.age_pac),
        "aspa_age_min": int(mv.aspa.age_min),
        "rsa_base_amount": float(ms.rsa.rsa_m.montant_de_base_du_rsa),
        "ppa_base_amount": float(ms.ppa.pa_m.montant_de_base),
        "smic_gross_hourly": float(p.marche_travail.salaire_minimum.smic.smic_b_horaire),
    }


def compute_composition(tbs, date: str, couple: int, children: int, earnings: np.ndarray,
                        gross: np.ndarray) -> tuple:
    """Amounts for every (age band, tenure, earnings, other income) of one composition.

    ``earnings``: the net earnings nodes, ``gross``: their gross wages.  Returns ``(amounts,
    max_net_error)`` with ``amounts`` of shape (benefits, age bands, tenures,
    earnings nodes, other-income nodes).  Households are simulated in chunks
    (an OpenFisca simulation caches every intermediate variable for every month).
    """
    E, O = earnings, grid.OTHER_INCOME
    A, T = len(grid.AGE_BANDS), len(grid.TENURES)
    # household order: age band, tenure, earnings, other income (C order)
    a_i, t_i, e_i, o_i = (x.ravel() for x in np.meshgrid(
        np.arange(A), np.arange(T), np.arange(len(E)), np.arange(len(O)), indexing="ij"))
    out = np.zeros((len(OUTPUTS), len(a_i)))
    err = 0.0
    for lo in range(0, len(a_i), grid.CHUNK):
        sl = slice(lo, lo + grid.CHUNK)
        amounts, net = _simulate(tbs, date, couple, children,
                                 a_i[sl], t_i[sl], gross[e_i[sl]], O[o_i[sl]], E[e_i[sl]] > 0)
        out[:, sl] = amounts
        err = max(err, float(np.abs(net - E[e_i[sl]]).max()))
        gc.collect()
    return out.reshape(len(OUTPUTS), A, T, len(E), len(O)), err


def _simulate(tbs, date, couple, children, age_band, tenure, gross, other, works):
    """One OpenFisca run: households given by per-household arrays; returns (amounts, net wage)."""
    from openfisca_france.model.base import TypesActivite, TypesStatutOccupationLogement
    from openfisca_france.model.prestations.aides_logement import TypesZoneApl

    nh = len(age_band)
    n_adults = 1 + couple
    size = n_adults + children
    sim, rank, adult = _build(tbs, nh, n_adults, children)
    ref = rank == 0  # the reference person earns all the household's earnings

    def on_ref(values):
        return np.where(ref, np.repeat(values, size), 0.0)

    pensioner = np.asarray([b["other_income"] == "pension" for b in grid.AGE_BANDS])[age_band]
    years = _years(date)
    for y in years:
        sim.set_input("salaire_de_base", y, 12 * on_ref(gross))
        # other income on the reference person: unemployment benefit or pension,
        # gross = taxable = net (low replacement incomes are exempt from CSG/CRDS)
        for var in ("chomage_brut", "chomage_imposable", "chomage_net"):
            sim.set_input(var, y, 12 * on_ref(np.where(pensioner, 0.0, other)))
        for var in ("retraite_brute", "retraite_imposable", "retraite_nette"):
            sim.set_input(var, y, 12 * on_ref(np.where(pensioner, other, 0.0)))

    year, month = int(date[:4]), int(date[5:7])
    age = np.asarray([b["age"] for b in grid.AGE_BANDS])[age_band]
    child_rank = np.clip(rank - n_adults, 0, len(grid.CHILD_AGES) - 1)
    birth_year = np.where(adult, year - np.repeat(age, size), year - np.asarray(grid.CHILD_AGES)[child_rank])
    # born on 1 January: the stated age holds in every month of the legislation year
    births = np.array([f"{b:04d}-01-01" for b in birth_year], dtype="datetime64[D]")
    sim.set_input("date_naissance", date, births)

    retired = np.repeat(pensioner, size)
    act = np.where(np.repeat(works, size), TypesActivite.actif.index,
                   np.where(retired, TypesActivite.retraite.index,
                            np.where(np.repeat(other > 0, size), TypesActivite.chomeur.index,
                                     TypesActivite.inactif.index)))
    act = np.where(adult, act, TypesActivite.etudiant.index)
    statut = np.asarray([TypesStatutOccupationLogement[t["openfisca"]].index for t in grid.TENURES])
    rent = np.asarray([t["rent"][min(size, len(t["rent"])) - 1] for t in grid.TENURES], dtype=np.float64)
    for y in years:
        sim.set_input("activite", y, act.astype(np.int16))
        sim.set_input("statut_occupation_logement", y, statut[tenure].astype(np.int16))
        sim.set_input("zone_apl", y, np.full(nh, TypesZoneApl[grid.ZONE_APL].index, dtype=np.int16))
        sim.set_input("loyer", y, 12 * rent[tenure])

    net = sim.calculate("salaire_net", date).astype(np.float64)[ref]
    amounts = np.stack([sim.calculate(var, date).astype(np.float64) for var in OUTPUTS.values()])
    del sim
    return amounts, net


# -- output --------------------------------------------------------------------------
def fmt(x: float) -> str:
    """Euros with two decimals, trailing zeros stripped: 553.10 -> '553.1', 0 -> '0'."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def write_table(path: Path, tables: dict, earnings: np.ndarray) -> dict:
    """Write one legislation's CSV; returns a few checks for the provenance."""
    header = ["couple", "children", "age_band", "tenure", "earnings", "other_income", *OUTPUTS]
    lines = [",".join(header)]
    edge_max = 0.0
    for (couple, children), amounts in sorted(tables.items()):
        # amounts: (benefit, age, tenure, earnings, other)
        edge = max(np.abs(amounts[..., -1, :]).max(), np.abs(amounts[..., :, -1]).max())
        edge_max = max(edge_max, float(edge))
        nz = np.argwhere(np.any(amounts != 0.0, axis=0))
        for a, t, e, o in nz:
            vals = amounts[:, a, t, e, o]
            lines.append(",".join([str(couple), str(children), str(a), str(t),
                                   fmt(earnings[e]), fmt(grid.OTHER_INCOME[o]),
                                   *(fmt(v) for v in vals)]))
    data = ("\n".join(lines) + "\n").encode("ascii")
    path.write_bytes(data)
    return {"rows": len(lines) - 1, "max_amount_on_grid_edge": edge_max}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compute_legislation(out: Path, date: str) -> tuple[dict, str]:
    """Compute and write one legislation's table; returns its provenance entry and a log line."""
    t0 = time.time()
    tbs = tax_benefit_system()
    earnings = grid.earnings_nodes(tbs, date)
    gross = gross_for_net(tbs, date, earnings)
    tables, err = {}, 0.0
    for couple in grid.COUPLE:
        for children in grid.CHILDREN:
            tables[(couple, children)], e = compute_composition(tbs, date, couple, children,
                                                                earnings, gross)
            err = max(err, e)
    name = TABLE_NAME.format(date=date)
    checks = write_table(out / name, tables, earnings)
    if checks["max_amount_on_grid_edge"] > 0:
        raise RuntimeError(f"{date}: amounts are not 0 on the grid's upper edge "
                           f"({checks['max_amount_on_grid_edge']:.2f}): extend the grid")
    entry = {
        "file": name,
        "sha256": sha256(out / name),
        "month_computed": date,
        "steady_state_years": _years(date),
        "earnings": [float(x) for x in earnings],
        "max_net_earnings_error": round(err, 4),
        **checks,
        **thresholds(tbs, date),
    }
    return entry, f"{date}: {checks['rows']} rows, net earnings error {err:.4f} EUR, {time.time() - t0:.0f} s"


def generate(out: Path, dates: list[str], log=print, jobs: int = 1) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    prov = {
        "description": "Monthly benefit amounts (EUR/month) computed with OpenFisca-France on a "
                       "household-type x earnings x other-income grid; see docs/benefit_rules.md",
        "generator": GENERATOR_CMD,
        "openfisca_france": importlib.metadata.version("openfisca-france"),
        "openfisca_core": importlib.metadata.version("openfisca-core"),
        "numpy": importlib.metadata.version("numpy"),
        "benefits": OUTPUTS,
        "grid": grid.definition(),
        "legislations": {},
    }
    jobs = max(1, min(jobs, len(dates)))
    if jobs == 1:
        entries = [compute_legislation(out, d) for d in dates]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            entries = list(pool.map(compute_legislation, [out] * len(dates), dates))
    for date, (entry, note) in zip(dates, entries):
        prov["legislations"][date] = entry
        log(note, flush=True)
    text = json.dumps(prov, indent=1, sort_keys=False, ensure_ascii=True)
    # one line per list of numbers or strings (the grid axes)
    text = re.sub(r"\[\n\s+([^\[\]{}]*?)\n\s*\]",
                  lambda m: "[" + " ".join(x.strip() for x in m.group(1).split("\n")) + "]", text) + "\n"
    (out / PROVENANCE).write_text(text, encoding="ascii", newline="\n")
    return prov


def committed_dates(out: Path) -> list[str]:
    prov = json.loads((out / PROVENANCE).read_text())
    return list(prov["legislations"])


def check(out: Path, log=print, jobs: int = 1) -> bool:
    """Regenerate every committed legislation in a temp dir and compare bytes."""
    dates = committed_dates(out)
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), dates, log=log, jobs=jobs)
        ok = True
        for name in [PROVENANCE] + [TABLE_NAME.format(date=d) for d in dates]:
            same = filecmp.cmp(out / name, Path(tmp) / name, shallow=False)
            log(f"{'same' if same else 'DIFFERENT'}  {name}  sha256 {sha256(Path(tmp) / name)}")
            ok &= same
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default sim/data)")
    ap.add_argument("--dates", nargs="+", default=None,
                    help=f"legislation months YYYY-MM (default: {' '.join(grid.DATES)})")
    ap.add_argument("--check", action="store_true",
                    help="regenerate the committed tables in a temp dir and compare bytes")
    ap.add_argument("--jobs", type=int, default=1,
                    help="legislations computed in parallel (each process under 1 GB)")
    args = ap.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.check:
        ok = check(args.out, jobs=args.jobs)
        print("benefit tables reproduce byte for byte" if ok else "benefit tables DIFFER from a regeneration")
        return 0 if ok else 1
    generate(args.out, args.dates or list(grid.DATES), jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
