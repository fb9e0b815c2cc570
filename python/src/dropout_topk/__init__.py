"""Dropout and top-k sampling on a tiny transformer, as a notebook widget.

    from dropout_topk import Demo
    w = Demo(view="topk", k=5)
    w

The widget runs the demo's WebAssembly model in the notebook's browser tab: everything it needs
(its module, the wasm, the weights, the training worker, the markup and the styles) is inside
this package, so it works offline and with no server but the notebook's own.

Every setting of the demo is a trait under its link name (``view``, ``k``, ``temperature``,
``top_p``, ``sampler``, ``dropout_p``, ``overfit_p``, ``seed``, ``prompt``, ``mode``, ``phase``,
``mc_dropout``, ``backend``, ``lang``, ``hide``), synced both ways: set one in Python and the
widget follows; move a control in the widget and the trait changes. Two traits are read-only:
``last_sample``, the character the reader (or ``sample()``) last drew, and ``answers``, the
learning check's answers (``view="check"``).
"""

from __future__ import annotations

import json
from importlib.resources import files

import anywidget
import traitlets

from ._version import __version__

__all__ = ["Demo", "ESM", "__version__"]

_HERE = files(__package__)

#: The widget's front end, one self-contained ES module: what a host with no Python behind it
#: (a MyST or Jupyter Book page's ``{anywidget}`` directive) loads, copied beside its pages.
ESM = _HERE.joinpath("widget.js")

# The settings as the front end defines them (www/state.js SETTINGS), written beside the module
# when the package is built: names, defaults and ranges are the link's.
SETTINGS: dict[str, dict] = json.loads(_HERE.joinpath("settings.json").read_text(encoding="utf-8"))


def _trait(name: str, spec: dict) -> traitlets.TraitType:
    """The trait of one setting: its type, default and allowed values or range."""
    default = spec["default"]
    if name == "lang":
        # None: the widget speaks the reader's browser language, as the element does.
        return traitlets.Enum(spec["values"], default_value=None, allow_none=True, help=spec.get("help"))
    if "list" in spec:
        return traitlets.List(traitlets.Enum(spec["list"]), default_value=default, help=spec.get("help"))
    if isinstance(default, bool):
        return traitlets.Bool(default, help=spec.get("help"))
    if "values" in spec:
        return traitlets.Enum(spec["values"], default_value=default, help=spec.get("help"))
    if isinstance(default, (int, float)):
        kind = traitlets.Int if spec.get("step") == 1 else traitlets.Float
        return kind(default, min=spec["min"], max=spec["max"], help=spec.get("help"))
    return traitlets.Unicode(default, help=spec.get("help"))


class Demo(anywidget.AnyWidget):
    """The demo in a notebook: one view of it (``view``), with every setting a synced trait."""

    _esm = ESM

    last_sample = traitlets.Dict(
        default_value=None,
        allow_none=True,
        read_only=True,
        help="The last draw (None before the first): {char, index, probability, u, settings}, as the `sample` event gives it.",
    ).tag(sync=True)
    answers = traitlets.List(
        read_only=True,
        help="The learning check's answers in the order given (view='check'), as its `answer` events give them.",
    ).tag(sync=True)

    # One trait per setting, declared from the front end's list (a class body's locals() is the
    # class's namespace), so a setting added there is a trait here with no second list to keep.
    locals().update({name: _trait(name, spec).tag(sync=True) for name, spec in SETTINGS.items()})

    @traitlets.validate(*(name for name, spec in SETTINGS.items() if "maxLength" in spec))
    def _within_length(self, proposal: dict) -> str:
        """A text setting longer than the widget takes is refused, as a number out of range is."""
        name, value = proposal["trait"].name, proposal["value"]
        limit = SETTINGS[name]["maxLength"]
        if len(value) > limit:
            raise traitlets.TraitError(f"The '{name}' trait takes at most {limit} characters, not {len(value)}.")
        return value

    def sample(self) -> None:
        """Draws one character, as the widget's Sample button does; the draw arrives in ``last_sample``."""
        self.send({"command": "sample"})

    def step(self) -> None:
        """Takes one training step in the dropout view, as its Step button does (its masks show)."""
        self.send({"command": "step"})
