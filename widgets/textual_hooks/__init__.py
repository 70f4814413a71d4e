"""Every place credits-tui relies on a Textual internal, one hook a module (see README.md).

Import each from its own module: the hooks are needed at different moments of start-up.
"""

__all__: list[str] = []
