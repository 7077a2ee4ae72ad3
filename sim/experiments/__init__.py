"""Experiments: replications, paired comparisons, parameter sweeps, sensitivity, reports.

Public API (the CLI commands ``compare``, ``sweep`` and ``report`` call only these)::

    from sim import experiments as ex
    ex.run(sim.load_scenario("baseline_2013"), replications=10, out="results/base")
    out = ex.compare(["baseline_2013", "online_only_2016"], replications=10, seed=1,
                     sets=["population.households=20000"], out="results/cmp")
    spec = ex.load_sweep("sweeps/closure_x_mediation.yaml")
    ex.sweep(spec, out="results/closure", workers=4)
    ex.analyse("results/closure")              # Sobol / Morris / ANOVA indices with CIs
    ex.write_report("results/closure", "closure.html")
    ex.load_results("results/closure")         # pandas DataFrames

Every result directory has the same layout (see :mod:`sim.experiments.store`),
whether it holds a run (one point), a comparison (one point per scenario) or a
sweep (one point per parameter combination), and the same results whatever the
executor.
"""

from .compare import compare
from .precision import replications_needed
from .sensitivity import analyse
from .spec import SweepSpec, load_sweep
from .store import load_results
from .sweep import sweep
from .report import write_report
from .runs import run

__all__ = ["run", "compare", "sweep", "load_sweep", "SweepSpec", "analyse", "write_report",
           "load_results", "replications_needed"]
