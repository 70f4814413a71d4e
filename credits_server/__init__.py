"""credits-server: the credits service the terminal app talks to."""

__all__ = ["__version__"]

__version__ = "0.1.0"
