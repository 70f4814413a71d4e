"""Alembic migrations, shipped in the package and run by `credits-server migrate`."""
