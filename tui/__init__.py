"""credits-tui: the terminal app. Kept import-light: the CLI must reach the login screen fast."""

__all__ = ["__version__"]

__version__ = "0.1.0"
