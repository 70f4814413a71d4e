"""Fixtures that run the real credits-server on a real SQLite file (filled in with the server)."""
