"""CLI commands that live beside the feature they drive.

Each module here defines ``register(app: typer.Typer) -> None``; ``gongwen.cli`` calls it for
every module in this package, in name order, so a feature adds its command without editing
``cli.py``. Commands stay thin: they parse options and call the feature's functions.
"""
