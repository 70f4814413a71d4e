"""The typed HTTP client of the credits service. Only the store uses it; screens ask the store."""

__all__: list[str] = []
