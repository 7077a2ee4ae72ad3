"""The dashboard as a WSGI application, for a production server (workshops with many browsers).

    gunicorn --bind 127.0.0.1:8050 --workers 2 --threads 8 dashboard.wsgi:server

Bind loopback (as ``sim dashboard`` does) unless the network is trusted.  Each
gunicorn worker process builds its own app (settings from the environment, see
:mod:`dashboard.config`); ``benchmarks/load_dashboard.py`` measures this setup.
"""

from __future__ import annotations

import atexit

from .app import create_app

app = create_app()
server = app.server  # the Flask WSGI callable
atexit.register(app.sim_state.close)
