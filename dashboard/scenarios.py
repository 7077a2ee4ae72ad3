"""Scenarios as the dashboard sees them: bundled files, uploads, workshop levers.

Everything goes through the engine's strict loader (``sim.load_scenario``,
``sim.scenario.read_yaml``, ``sim.from_dict``, ``Scenario.with_overrides``):
the dashboard never interprets a scenario file itself.  Uploaded files are
kept in server memory only, keyed by their content hash; the browser only
ever holds that key, never a path.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import sim
from sim.scenario import bundled, read_yaml
from sim.validate import scenario_problems

from . import i18n
from .config import Settings

BASELINE = "baseline_2013"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#6A3D9A", "#8C564B")
WORKSHOP_COLOURS = {"reference": "#5A6B7B", "yours": "#D55E00"}
WORKSHOP_SEED = 2016  # root seed of every workshop run, written in the scenario files it saves


@dataclass(frozen=True)
class Choice:
    """A scenario the user can pick: ``key`` is what the browser holds."""

    key: str  # "bundled:NAME" or "upload:HASH"
    name: str  # the scenario's own name
    colour: str


def bundled_names() -> list[str]:
    return [p.stem for p in bundled()]


def bundled_scenario(name: str) -> sim.Scenario:
    if name not in bundled_names():
        raise KeyError(name)
    return sim.load_scenario(name)


def scenario_label(name: str, lang: str) -> str:
    return i18n.label("scenario", name, lang)


class Uploads:
    """Uploaded scenarios, in memory, oldest dropped first (thread-safe)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._items: OrderedDict[str, sim.Scenario] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, contents: str, filename: str | None) -> sim.Scenario:
        """Decode a ``dcc.Upload`` payload and check it like ``sim validate``.

        Raises :class:`UploadError` (too big, not base64/UTF-8) or
        :class:`sim.ScenarioError` (the strict validator's one-line message, or a
        ``population.file``: the server never opens a path that came from a browser).
        """
        source = safe_filename(filename)  # the file as the user named it: messages start with it
        _, _, payload = (contents or "").partition(",")
        if len(payload) > self.settings.upload_max_bytes * 4 // 3 + 8:
            raise UploadError("too_big")
        try:
            blob = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise UploadError("unreadable") from None
        if len(blob) > self.settings.upload_max_bytes:
            raise UploadError("too_big")
        raw = read_yaml(blob, source)
        try:
            sc = sim.from_dict(raw, source=source)
        except sim.ScenarioError as first:
            # every problem of the file, as `sim validate` lists them (the first one first)
            found = scenario_problems(raw, source) if isinstance(raw, dict) else []
            raise UploadProblems(source, found or [first]) from None
        if sc.data["population"]["file"]:
            # a path sent by a browser is never opened on the server
            raise sim.ScenarioError("population files cannot be used in the dashboard "
                                    "(run it with sim run on your own computer)", source=source,
                                    path="population.file")
        key = "upload:" + sc.content_hash()[:16]
        with self._lock:
            self._items[key] = sc
            self._items.move_to_end(key)
            while len(self._items) > self.settings.max_uploads:
                self._items.popitem(last=False)
        return sc

    def get(self, key: str) -> sim.Scenario | None:
        with self._lock:
            return self._items.get(key)

    def key_of(self, sc: sim.Scenario) -> str:
        return "upload:" + sc.content_hash()[:16]


class UploadProblems(sim.ScenarioError):
    """An uploaded scenario with problems: all of them (``problems``), each one line naming the
    file and the field; the exception's own message is the first."""

    def __init__(self, source: str, problems: list[sim.ScenarioError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.detail, source=source, path=first.path)


class UploadError(ValueError):
    """An upload refused before YAML parsing: ``kind`` is "too_big" or "unreadable"."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)


def safe_filename(name: str | None) -> str:
    """A short printable file name for messages (never used to open a file)."""
    base = re.split(r"[\\/]", name or "scenario.yaml")[-1]
    base = re.sub(r"[^\w.\- ]", "_", base)[:60]
    return base or "scenario.yaml"


def resolve(key: str, uploads: Uploads) -> sim.Scenario | None:
    """The scenario behind a browser-held key, or ``None``."""
    kind, _, name = key.partition(":")
    if kind == "bundled" and name in bundled_names():
        return bundled_scenario(name)
    if kind == "upload":
        return uploads.get(key)
    return None


def colours_for(keys: list[str]) -> dict[str, str]:
    """One colour per compared scenario, used by every figure and card of the comparison.

    Colours follow the scenarios' order: the reference (first) is always blue,
    the second orange, and so on (:data:`PALETTE`, colour-blind safe).
    """
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(dict.fromkeys(keys))}


def display_name(key: str, sc: sim.Scenario | None, lang: str) -> str:
    kind, _, name = key.partition(":")
    if kind == "bundled":
        return scenario_label(name, lang)
    return sc.name if sc is not None else name


# -- workshop: levers -> scenario ---------------------------------------------------

DEFAULT_LEVERS = {
    "closure": 0.0,  # share of counters closed (0-1)
    "online_only": False,  # prime d'activité online only
    "email": False,  # e-mail required for online claims (CAF)
    "mediation_hours": 40.0,  # association / France Services hours per 10k households
    "mode": "keep",  # mediation mode: keep (mixed), do_for, teach
    "alternative": False,  # non-digital route kept for vulnerable households
    "automatic": False,  # automatic payment of prime d'activité and RSA
}

PRESETS: dict[str, dict] = {
    "p2013": {},
    "p2016": {"online_only": True, "email": True},
    "closure": {"online_only": True, "email": True, "closure": 0.6},
    "france_services": {"online_only": True, "email": True, "closure": 0.6,
                        "mediation_hours": 200.0, "mode": "teach"},
    "automatic": {"online_only": True, "email": True, "closure": 0.6, "automatic": True},
}


def preset_levers(name: str) -> dict:
    return {**DEFAULT_LEVERS, **PRESETS.get(name, {})}


def clean_levers(values: dict) -> dict:
    """Levers from the browser, coerced and clamped (never trusted as sent)."""
    out = dict(DEFAULT_LEVERS)

    def number(x, lo, hi, default):
        try:
            x = float(x)
        except (TypeError, ValueError):
            return default
        return min(max(x, lo), hi) if x == x else default

    out["closure"] = round(number(values.get("closure"), 0.0, 1.0, 0.0), 3)
    out["mediation_hours"] = round(number(values.get("mediation_hours"), 0.0, 1000.0, 40.0), 1)
    for k in ("online_only", "email", "alternative", "automatic"):
        out[k] = bool(values.get(k))
    out["mode"] = values.get("mode") if values.get("mode") in ("keep", "do_for", "teach") else "keep"
    return out


def neighbours(levers: dict) -> list[dict]:
    """The settings one lever step away (what a trainer may try next): closure ±10 points,
    mediation ±20 hours, each switch flipped, the other mediation modes."""
    lv = clean_levers(levers)
    out = []
    for step in (0.1, -0.1):
        c = round(lv["closure"] + step, 3)
        if 0.0 <= c <= 1.0:
            out.append({**lv, "closure": c})
    for step in (20.0, -20.0):
        h = lv["mediation_hours"] + step
        if 0.0 <= h <= 400.0:
            out.append({**lv, "mediation_hours": h})
    for k in ("online_only", "email", "alternative", "automatic"):
        out.append({**lv, k: not lv[k]})
    out += [{**lv, "mode": m} for m in ("keep", "do_for", "teach") if m != lv["mode"]]
    return [clean_levers(x) for x in out]


def workshop_scenario(levers: dict, settings: Settings, name: str = "atelier",
                      description: str = "") -> sim.Scenario:
    """The 2013 baseline with the workshop's levers switched on at ``workshop_start``."""
    lv = clean_levers(levers)
    base = bundled_scenario(BASELINE)
    raw = copy.deepcopy(base.raw)
    start = settings.workshop_start
    raw.update(name=name, description=description or base.data["description"],
               months=settings.workshop_months, seed=WORKSHOP_SEED)
    raw.setdefault("population", {})["households"] = settings.workshop_households
    inst = base.data["institutions"]
    policies: list[dict] = []
    if lv["closure"] > 0:
        policies.append({"type": "counter_closure", "start": start, "share": lv["closure"],
                         "order": "rural_first"})
    if lv["online_only"]:
        policies.append({"type": "online_only", "start": start, "benefits": ["prime_activite"]})
    if lv["email"]:
        policies.append({"type": "email_required", "start": start,
                         "benefits": ["prime_activite", "rsa"]})
    if lv["mediation_hours"] != inst["association_hours"] or lv["mode"] != "keep":
        # only hours and mode move: coverage and social workers stay as in the baseline
        policies.append({"type": "mediation_capacity", "start": start,
                         "social_worker_hours": inst["social_worker_hours"],
                         "digital_share_cap": inst["digital_share_cap"],
                         "association_hours": lv["mediation_hours"],
                         "association_presence": list(inst["association_presence"]),
                         "travel_factor": 1.0,  # mediation points stay where they are
                         "mode": lv["mode"]})
    if lv["alternative"]:
        policies.append({"type": "alternative_route", "start": start})
    if lv["automatic"]:
        policies.append({"type": "automatic_payment", "start": start,
                         "benefits": ["prime_activite", "rsa"]})
    raw["policies"] = policies
    return sim.from_dict(raw, source=f"dashboard:{name}")
