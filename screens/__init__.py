"""The screens of credits-tui, one per module, each with its .tcss beside it."""

__all__: list[str] = []
