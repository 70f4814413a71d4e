"""The client of the credits service: HTTP client, account store, configuration, session file and
the embedded server's supervisor. Plain Python and asyncio: no Textual, no server code."""

__all__: list[str] = []
