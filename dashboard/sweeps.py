"""Reading sweep results (``sim sweep --out DIR``) for the Sweeps tab, defensively.

Only folders found *under the configured results root* can be opened: the
server lists them (:func:`list_sweeps`), the browser picks one by its name
relative to the root, and :func:`open_sweep` checks that name against a
fresh listing and that the resolved path stays inside the root (no ``..``,
no symlink escape).  A path typed into the browser is never opened.

A sweep folder is what ``sim sweep --out DIR`` writes (:mod:`sim.experiments.store`):
``summary/part-*.parquet`` (one row per run: ``point``, ``replication``, one
column per swept dotted parameter path, one per metric), ``manifest.json``
(``kind: sweep``; ``sweep.parameters`` names the swept paths) and, after
``--analyse``, ``sensitivity.json`` (Sobol, Morris or factorial indices with
95 % CIs).  A folder of plain Parquet files with the same columns also opens.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import present
from sim.defaults import SCENARIO
from sim.params import Param, lookup
from sim.policies import REGISTRY
from sim.scenario import policy_index, read_yaml

ID_COLUMNS = ("point", "replication", "seed", "run", "index")
# top-level sections of a scenario: a column starting with one of these is a parameter path
PARAM_ROOTS = tuple(SCENARIO) + ("policies",)
MAX_JSON_BYTES = 5_000_000


class SweepError(ValueError):
    """A sweep folder that cannot be shown; the message is one line for the page."""


@dataclass
class Sweep:
    name: str
    data: pd.DataFrame
    params: list[str]
    metrics: list[str]
    sensitivity: dict = field(default_factory=dict)  # metric -> {index: {param: (value, lo, hi)}}

    @property
    def points(self) -> int:
        return int(self.data["point"].nunique()) if "point" in self.data else len(self.data)


NOT_RUNS = ("design", "aggregate", "differences")  # whole-sweep tables beside the run parts


def _parquet_files(d: Path, limit: int) -> list[Path]:
    """The run parts of a sweep folder: ``summary/*.parquet``, else top-level Parquet files."""
    base = d / "summary" if (d / "summary").is_dir() else d
    files = []
    for f in sorted(base.glob("*.parquet")):
        if f.name.startswith((".", "_")) or f.stem in NOT_RUNS:
            continue  # temporary parts being written, or whole-sweep tables
        files.append(f)
        if len(files) > limit:
            break
    return files


def _is_sweep(d: Path) -> bool:
    man = _read_json(d / "manifest.json")
    if isinstance(man, dict) and man.get("kind") not in (None, "sweep"):
        return False  # e.g. a ``sim compare`` folder: nothing was swept
    return bool(_parquet_files(d, 1))


def list_sweeps(root: Path, max_depth: int = 2) -> list[str]:
    """Folders under ``root`` (relative POSIX names) that hold sweep results."""
    root = Path(root)
    if not root.is_dir():
        return []
    out = []
    frontier = [root]
    for _ in range(max_depth):
        nxt = []
        for d in frontier:
            try:
                children = sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith("."))
            except OSError:
                continue
            for c in children:
                if not _inside(c, root) or c.name in ("summary", "timeseries"):
                    continue
                if _is_sweep(c):
                    out.append(c.relative_to(root).as_posix())
                nxt.append(c)
        frontier = nxt
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(Path(root).resolve())
        return True
    except (ValueError, OSError):
        return False


def open_sweep(root: Path, name: str, max_files: int = 5_000, max_rows: int = 2_000_000) -> Sweep:
    """Load the sweep folder ``name`` (as listed by :func:`list_sweeps`)."""
    root = Path(root)
    if name not in list_sweeps(root):
        raise SweepError("not a results folder under the configured root")
    d = root / name
    if not _inside(d, root):
        raise SweepError("outside the configured root")
    files = _parquet_files(d, max_files)
    if not files:
        raise SweepError("no Parquet result files")
    if len(files) > max_files:
        raise SweepError(f"more than {max_files} Parquet files")
    try:
        frames = [pd.read_parquet(f) for f in files]
    except Exception as err:  # pyarrow raises many kinds; one line for the page
        raise SweepError(f"unreadable Parquet file ({type(err).__name__})") from None
    data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(data) > max_rows:
        raise SweepError(f"more than {max_rows:,} rows")
    manifest = _read_json(d / "manifest.json")
    params = _param_columns(data, manifest)
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])
               and not pd.api.types.is_bool_dtype(data[c])]
    metrics = [c for c in numeric if c not in params and c not in ID_COLUMNS]
    sens = _sensitivity(_read_json(d / "sensitivity.json"))
    return Sweep(name=name, data=data, params=params, metrics=metrics, sensitivity=sens)


def _read_json(path: Path):
    try:
        if not path.is_file() or path.stat().st_size > MAX_JSON_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _param_columns(data: pd.DataFrame, manifest) -> list[str]:
    named: list[str] = []
    if isinstance(manifest, dict):
        for key in ("parameters", "params", "factors", "vary"):
            for node in (manifest.get(key), (manifest.get("sweep") or {}).get(key)
                         if isinstance(manifest.get("sweep"), dict) else None):
                if isinstance(node, dict):
                    named += [str(k) for k in node]
                elif isinstance(node, list):
                    named += [str(p.get("path") or p.get("name")) if isinstance(p, dict) else str(p)
                              for p in node]
    cols = [c for c in named if c in data.columns]
    if not cols:
        cols = [c for c in data.columns
                if isinstance(c, str) and c.split(".")[0] in PARAM_ROOTS and "." in c
                and c not in ID_COLUMNS]
    return list(dict.fromkeys(cols))


# -- sensitivity indices --------------------------------------------------------------

INDICES = ("S1", "ST", "mu_star", "sigma")


def _sensitivity(raw) -> dict:
    """Normalise sensitivity output to ``{metric: {index: {param: (value, lo, hi)}}}``.

    Reads ``sim sweep --analyse``'s ``sensitivity.json``: per metric, a
    ``factors`` list (``{"name", "S1", "S1_ci": [lo, hi], ...}``), else
    SALib-style parallel lists (``names``, ``S1``, ``S1_conf`` half-widths).
    Anything else is ignored; missing CIs are ``None``.
    """
    out: dict = {}
    if not isinstance(raw, dict):
        return out
    for key in ("metrics", "indices", "results"):
        if isinstance(raw.get(key), dict):
            raw = raw[key]
            break
    for metric, node in raw.items():
        if not isinstance(node, dict):
            continue
        entry: dict = {}
        factors = node.get("factors")
        names = node.get("names")
        if isinstance(factors, list) and all(isinstance(f, dict) and "name" in f for f in factors):
            for idx in INDICES:
                vals = {}
                for f in factors:
                    v = _num(f.get(idx))
                    ci = f.get(f"{idx}_ci")
                    lo, hi = (_num(ci[0]), _num(ci[1])) if isinstance(ci, list) and len(ci) == 2 else (None, None)
                    if v is not None:
                        vals[str(f["name"])] = (v, lo, hi)
                if vals:
                    entry[idx] = vals
        elif isinstance(names, list):
            for idx in INDICES:
                vals, confs = node.get(idx), node.get(f"{idx}_conf")
                if not isinstance(vals, list) or len(vals) != len(names):
                    continue
                confs = confs if isinstance(confs, list) and len(confs) == len(vals) else [None] * len(vals)
                got = {}
                for n, v, c in zip(names, vals, confs):
                    v, c = _num(v), _num(c)
                    if v is not None:
                        got[str(n)] = (v, None if c is None else v - c, None if c is None else v + c)
                if got:
                    entry[idx] = got
        if entry:
            out[str(metric)] = entry
    return out


def _num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


# -- aggregation for the heatmap --------------------------------------------------------

MAX_LEVELS = 12


def levels(series: pd.Series) -> pd.Series:
    """Values as plotted: themselves when few, else the midpoint of ~10 quantile bins."""
    if series.nunique() <= MAX_LEVELS or not pd.api.types.is_numeric_dtype(series):
        return series
    bins = pd.qcut(series, q=10, duplicates="drop")
    return bins.map(lambda iv: iv.mid).astype(float)


def grid(sweep: Sweep, metric: str, x: str, y: str | None) -> pd.DataFrame:
    """Mean and count of ``metric`` by (x, y) levels (or by x alone)."""
    df = pd.DataFrame({"x": levels(sweep.data[x]), "v": sweep.data[metric]})
    keys = ["x"]
    if y and y != x:
        df["y"] = levels(sweep.data[y])
        keys.append("y")
    return df.groupby(keys, observed=True)["v"].agg(["mean", "count", "std"]).reset_index()


# -- names the page shows (the shared vocabulary, never a dotted path) ----------------------

def policy_type_of(root: Path, name: str, path: str) -> str | None:
    """The type of the policy a ``policies.N.key`` path addresses, read from the sweep's saved
    ``base_scenario.yaml`` (None when it cannot be told)."""
    parts = path.split(".")
    if parts[0] != "policies" or len(parts) != 3:
        return None
    try:
        f = Path(root) / name / "base_scenario.yaml"
        if not _inside(f, root) or not f.is_file() or f.stat().st_size > MAX_JSON_BYTES:
            return None
        raw = read_yaml(f.read_bytes(), "base_scenario.yaml")
        pols = raw.get("policies") or []
        kind = pols[policy_index(pols, parts[1], path)].get("type")
        return kind if isinstance(kind, str) else None
    except Exception:  # any unreadable or odd file: the label falls back to the path's words
        return None


def param_unit_of(path: str, policy_type: str | None) -> str:
    """The declared unit of a scenario parameter (English, as in docs/parameters.md), or ''."""
    parts = path.split(".")
    try:
        if parts[0] == "policies" and len(parts) == 3:
            kind = policy_type or parts[1]
            node = REGISTRY[kind].params.get(parts[2]) if kind in REGISTRY else None
        else:
            node = lookup(SCENARIO, path)
    except Exception:
        return ""
    return node.unit if isinstance(node, Param) else ""


def param_name(path: str, lang: str, policy_type: str | None = None, unit: bool = True) -> str:
    """"Part des guichets fermés (part des guichets)": a swept parameter's label and unit."""
    label = present.param_label(path, lang, policy_type)
    u = param_unit_of(path, policy_type) if unit else ""
    return f"{label} ({present.param_unit(u, lang)})" if u else label


def metric_name(key: str, lang: str) -> str:
    """"Non-recours (%)": a metric's label and, when it has one, its unit."""
    label = present.metric_label(key, lang)
    u = present.metric(key).unit.suffix(lang)
    return f"{label} ({u.strip()})" if u.strip() else label


# -- which analysis, and whether its intervals can be trusted ---------------------------------

@dataclass(frozen=True)
class Analysis:
    design: str  # "factorial", "sobol", "morris", "lhs" or "" (unknown)
    points: int
    replications: int
    factors: int


def analysis_of(sweep: Sweep, root: Path) -> Analysis:
    """The sweep's design and sizes, from its manifest (else from the data)."""
    man = _read_json(Path(root) / sweep.name / "manifest.json")
    design, reps, pts = "", 0, sweep.points
    if isinstance(man, dict):
        spec = man.get("sweep") if isinstance(man.get("sweep"), dict) else {}
        d = spec.get("design")
        design = str(d.get("type", "")) if isinstance(d, dict) else str(d or "")
        reps = int(_num(man.get("replications")) or 0)
        pts = int(_num(man.get("points")) or pts)
    if not reps and "replication" in sweep.data:
        reps = int(sweep.data["replication"].nunique())
    return Analysis(design, pts, reps, len(sweep.params))


# below these the 95 % intervals shown are not to be trusted (bootstrap over too few draws)
MIN_REPLICATIONS = 10  # factorial: the bootstrap resamples replications
MIN_BASE_SAMPLES = 256  # sobol: N in N (2k + 2) points
MIN_TRAJECTORIES = 10  # morris: r in r (k + 1) points
MIN_LHS_POINTS = 100


def too_few(a: Analysis) -> tuple[str, int, int] | None:
    """``(what, have, need)`` when the design is too small for its intervals, else None."""
    k = max(a.factors, 1)
    if a.design == "factorial" and a.replications < MIN_REPLICATIONS:
        return ("replications", a.replications, MIN_REPLICATIONS)
    if a.design == "sobol" and a.points // (2 * k + 2) < MIN_BASE_SAMPLES:
        return ("samples", a.points // (2 * k + 2), MIN_BASE_SAMPLES)
    if a.design == "morris" and a.points // (k + 1) < MIN_TRAJECTORIES:
        return ("trajectories", a.points // (k + 1), MIN_TRAJECTORIES)
    if a.design == "lhs" and a.points < MIN_LHS_POINTS:
        return ("points", a.points, MIN_LHS_POINTS)
    return None


def degenerate(entry: dict) -> bool:
    """Some interval has its estimate on one of its ends (too few resamples to spread)."""
    for values in entry.values():
        for v, lo, hi in values.values():
            if v is None or lo is None or hi is None:
                continue
            if hi - lo <= 1e-12 or min(abs(v - lo), abs(hi - v)) <= 1e-9 * max(1.0, abs(v)):
                return True
    return False
