"""Writing results to disk, atomically (temporary file, then rename).

``write_run`` writes into a directory:
- ``summary.json``: the summary (mean and 95 % CI of every metric);
- ``replications.csv``: one row per replication, one column per summary metric;
- ``timeseries.csv``: one row per (replication, month), monthly series;
- ``groups.csv``: non-take-up by group, per replication;
- ``routes.csv``: claim routes at the last month (channel x outcome), per replication;
- ``manifest.json``: provenance (scenario hash, seeds, version, command, time).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from . import __version__
from .categories import GROUP_LABELS, Channel
from .io import atomic_write, csv_text, remove_temporaries, to_json
from .metrics import CAUSE_SERIES, GLOBAL, PER_BENEFIT, ROUTE_OUTCOMES
from .params import ScenarioError, leaves
from .runner import Replication, population_path
from .scenario import file_hash


def timeseries_rows(result) -> list[dict]:
    names = result.scenario.benefits
    rows = []
    for rep in result.replications:
        s = rep.series
        for m in range(len(s["n_eligible"])):
            row = {"replication": rep.index, "month": m}
            elig = s["n_eligible"][m]
            non = sum(s[c][m] for c in CAUSE_SERIES)
            row["non_take_up_rate"] = non.sum() / elig.sum() if elig.sum() else float("nan")
            for b, name in enumerate(names):
                row[f"non_take_up_rate.{name}"] = non[b] / elig[b] if elig[b] else float("nan")
            for key in PER_BENEFIT:
                row[key] = float(s[key][m].sum())
                for b, name in enumerate(names):
                    row[f"{key}.{name}"] = float(s[key][m, b])
            for key in GLOBAL:
                row[key] = float(s[key][m])
            for c in Channel:
                row[f"new_filings.{c.name}"] = float(s["new_filings_by_channel"][m, c])
            rows.append(row)
    return rows


def group_rows(result) -> list[dict]:
    rows = []
    for rep in result.replications:
        counts, euros = rep.groups["counts"], rep.groups["euros"]
        for g, labels in GROUP_LABELS.items():
            for b, bname in enumerate(["all", *result.scenario.benefits]):
                c = counts[g].sum(axis=1) if bname == "all" else counts[g][:, b - 1]
                e = euros[g].sum(axis=0) if bname == "all" else euros[g][b - 1]
                for i, lab in enumerate(labels):
                    rows.append({"replication": rep.index, "group": g, "label": lab,
                                 "benefit": bname, "eligible_months": float(c[0, i]),
                                 "non_take_up_months": float(c[1, i]),
                                 "non_take_up_rate": c[1, i] / c[0, i] if c[0, i] else float("nan"),
                                 "unclaimed_euros": float(e[i])})
    return rows


def route_rows(result) -> list[dict]:
    rows = []
    channels = ["none", *[c.name for c in Channel]]
    for rep in result.replications:
        for b, bname in enumerate(result.scenario.benefits):
            for ci, cname in enumerate(channels):
                for oi, oname in enumerate(ROUTE_OUTCOMES):
                    rows.append({"replication": rep.index, "benefit": bname, "channel": cname,
                                 "outcome": oname, "households": float(rep.routes[b, ci, oi])})
    return rows


def replication_rows(result) -> list[dict]:
    return [{"replication": r.index, **dict(leaves(r.summary))} for r in result.replications]


def manifest(result, source: str | None = None) -> dict:
    src = result.scenario.source
    return {
        "package": "sim", "version": __version__,
        "scenario": result.scenario.name,
        "scenario_file": src,
        "scenario_file_sha256": file_hash(src) if src and Path(src).is_file() else None,
        "scenario_content_sha256": result.scenario.content_hash(),
        "seed": result.seed,
        "replication_seeds": [f"SeedSequence({result.seed}).spawn({len(result.replications)})[{r.index}]"
                              for r in result.replications],
        "replications": len(result.replications),
        "command": " ".join(sys.argv),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
    }


def write_run(result, out_dir: str | os.PathLike) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "summary.json", to_json(result.summary))
    atomic_write(out / "replications.csv", csv_text(replication_rows(result)))
    atomic_write(out / "timeseries.csv", csv_text(timeseries_rows(result)))
    atomic_write(out / "groups.csv", csv_text(group_rows(result)))
    atomic_write(out / "routes.csv", csv_text(route_rows(result)))
    atomic_write(out / "scenario.yaml", result.scenario.to_yaml())
    atomic_write(out / "manifest.json", to_json(manifest(result)))
    return out


# -- crash safety for `sim run --out DIR`: one file per finished replication ------------

def run_identity(sc, seed: int) -> dict:
    """What must match for ``sim run --resume`` to reuse saved replications."""
    pop = sc.data["population"]["file"]
    return {"scenario_sha256": sc.content_hash(), "seed": seed,
            "population_file_sha256": file_hash(population_path(sc)) if pop and
            population_path(sc).is_file() else None, "version": __version__}


PARTS_DIR = ".partial"  # OUT/.partial/: finished replications of an unfinished run


def _replication_bytes(rep) -> bytes:
    """A replication as a NumPy ``.npz`` (arrays exactly, the summary as JSON; no pickle)."""
    arrays = {"index": np.array(rep.index), "routes": rep.routes,
              "summary": np.array(json.dumps(rep.summary, allow_nan=True))}
    arrays.update({f"series:{k}": v for k, v in rep.series.items()})
    for kind, groups in rep.groups.items():
        arrays.update({f"groups:{kind}:{g}": v for g, v in groups.items()})
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _replication_from(path: Path):
    with np.load(path, allow_pickle=False) as z:
        series: dict[str, np.ndarray] = {}
        groups: dict[str, dict[str, np.ndarray]] = {}
        for key in z.files:
            if key.startswith("series:"):
                series[key.split(":", 1)[1]] = z[key]
            elif key.startswith("groups:"):
                _, kind, g = key.split(":", 2)
                groups.setdefault(kind, {})[g] = z[key]
        return Replication(int(z["index"]), json.loads(str(z["summary"])), series, groups, z["routes"])


class RunParts:
    """Finished replications of ``sim run --out DIR``, saved one file each as they finish.

    Each part is written atomically (:func:`atomic_write`), so a killed run leaves whole
    parts only (plus hidden ``.tmp`` files, removed when the run restarts); ``--resume``
    loads them instead of rerunning them.  ``identity`` (scenario hash, seed...) is
    checked first: parts of another run are never mixed in.  When the run's files
    are written, the parts are removed, leaving what an uninterrupted run leaves.
    """

    def __init__(self, out_dir: str | os.PathLike, identity: dict):
        self.out = Path(out_dir)
        self.root = self.out / PARTS_DIR
        self.identity = identity

    def path(self, index: int) -> Path:
        return self.root / f"replication-{index:06d}.npz"

    def start(self, resume: bool) -> dict:
        """Prepare the directory; with ``resume``, the replications already on disk by index."""
        ident = self.root / "run.json"
        if self.root.is_dir():
            remove_temporaries(self.root)
            if not resume:
                shutil.rmtree(self.root)
        if not resume or not ident.is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write(ident, to_json(self.identity))
            return {}
        if json.loads(ident.read_text(encoding="utf-8")) != json.loads(to_json(self.identity)):
            raise ScenarioError(f"the replications in {self.root} come from another scenario, seed or "
                                "version: run without --resume to start again", source=str(self.out),
                                path="--resume")
        done = {}
        for f in sorted(self.root.glob("replication-*.npz")):
            rep = _replication_from(f)
            done[rep.index] = rep
        return done

    def save(self, rep) -> None:
        atomic_write(self.path(rep.index), _replication_bytes(rep))

    def finish(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
