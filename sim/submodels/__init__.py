"""The monthly submodels, one module per step of DOMAIN §3.

Each is a plain function of the model, vectorised over households, that
updates the household arrays and records its flows in ``model.ledger``.
"""
