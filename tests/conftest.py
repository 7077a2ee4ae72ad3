import numpy as np
import pytest

import sim

SMALL = ["population.households=3000", "months=24", "report_months=12"]


@pytest.fixture(scope="session")
def small_sets():
    return list(SMALL)
