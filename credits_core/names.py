"""The "did you mean ...?" of a misspelt name: a setting, a variable, a key binding id."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def did_you_mean(
    name: str, known: Iterable[str], spelt: Callable[[str], str] = lambda n: f"'{n}'"
) -> str:
    """` (did you mean 'x'?)` for the known name closest to `name`, or "" when none is close."""
    import difflib  # deferred: only a mistake needs it (start-up time)

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {spelt(close[0])}?)" if close else ""
