"""The `[keymap]` setting: which binding ids exist, and a warning for each id that does not."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping

from textual.binding import Binding
from textual.dom import DOMNode

from credits_core.names import did_you_mean

# Where bindings with ids are declared: the app shell, its screens and its widgets.
_PACKAGES = ("tui", "screens", "widgets")


def binding_ids() -> set[str]:
    """The id of every Binding of the app, its screens and its widgets (imports them all)."""
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            importlib.import_module(module.name)
    return {
        binding.id
        for node_class in _subclasses(DOMNode)
        if node_class.__module__.split(".")[0] in _PACKAGES
        for binding in node_class.__dict__.get("BINDINGS", ())
        if isinstance(binding, Binding) and binding.id
    }


def unknown_ids(keymap: Mapping[str, str], known: set[str]) -> list[str]:
    """One line for each id of `keymap` that names no binding (it would change nothing)."""
    warnings = []
    for binding_id in keymap:
        if binding_id not in known:
            hint = did_you_mean(binding_id, known)
            warnings.append(f"keymap: no key binding has the id '{binding_id}'{hint}; ignored.")
    return warnings


def _subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)
