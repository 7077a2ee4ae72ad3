import os

import pytest

SMALL = ["population.households=3000", "months=24", "report_months=12"]


@pytest.fixture(scope="session")
def small_sets():
    return list(SMALL)

# The command line speaks the locale's language (sim.present.default_lang); tests that
# read its English output set it here, for this process and the commands it starts.
os.environ["LANGUAGE"] = "en"
