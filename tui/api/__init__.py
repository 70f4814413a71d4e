"""The typed HTTP client of the credits service. Only `tui/` imports it; screens ask the store."""

__all__: list[str] = []
