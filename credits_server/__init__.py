"""credits-server: the credits service the terminal app talks to."""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # One version for the app and the server: the package metadata's (see credits_core.version).
    if name == "__version__":
        from credits_core.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
