import os

import pytest

SMALL = ["population.households=3000", "months=24", "report_months=12"]


@pytest.fixture(scope="session")
def small_sets():
    return list(SMALL)

# The dashboard's workshop memo (dashboard/memo.py) goes to a folder of this test run, not
# to the user's ~/.cache (tests that share a memo between processes make their own).
if "SIM_DASHBOARD_MEMO" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _MEMO = tempfile.mkdtemp(prefix="sim-test-memo-")
    os.environ["SIM_DASHBOARD_MEMO"] = _MEMO
    atexit.register(shutil.rmtree, _MEMO, ignore_errors=True)

# The command line speaks the locale's language (sim.present.default_lang); tests that
# read its English output set it here, for this process and the commands it starts.
os.environ["LANGUAGE"] = "en"
