"""sim: agent-based simulation of dematerialised public services and benefit non-take-up.

Public API (the CLI and the dashboard use only these)::

    import sim
    sc = sim.load_scenario("scenarios/baseline_2013.yaml", sets=["population.households=5000"])
    result = sim.run(sc, replications=5, seed=1)
    result.summary["non_take_up_rate"]        # {"mean": ..., "ci95": [lo, hi]}
"""

__version__ = "0.1.0"

from .params import ScenarioError  # noqa: E402
from .scenario import Scenario, from_dict, load as load_scenario  # noqa: E402
from .runner import RunResult, compare, run  # noqa: E402

__all__ = ["ScenarioError", "Scenario", "from_dict", "load_scenario", "run", "compare", "RunResult",
           "__version__"]
