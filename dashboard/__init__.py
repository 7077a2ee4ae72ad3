"""Dash dashboard: compare scenarios, run a workshop, explore sweeps (see app.py)."""
