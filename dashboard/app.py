"""Placeholder until the dashboard lands: ``sim dashboard`` explains itself."""


def serve(host: str = "127.0.0.1", port: int = 8050) -> None:
    raise SystemExit("the dashboard is not built yet")
