"""credits-tui: the terminal app. Kept import-light: the CLI must reach the login screen fast."""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # The version is read from the package metadata only when asked for (see credits_core.version).
    if name == "__version__":
        from credits_core.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
