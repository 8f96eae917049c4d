"""Progress in notebooks: a ``tqdm.auto`` bar over the generation phases."""

from __future__ import annotations

from typing import Any, Sequence


class PhaseBar:
    """A ``tqdm.auto`` bar over the generation phases (a widget in Jupyter, text elsewhere).

    Pass the instance as ``progress=`` to ``generate``/``plan``: phase events
    advance it, optimiser events show the objective and bound.
    """

    def __init__(self, phases: Sequence[int], desc: str = "generate", **tqdm_kwargs: Any):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=len(phases), unit="phase", desc=desc, **tqdm_kwargs)

    def __call__(self, event: Any) -> None:
        from ..generation.pipeline import PhaseProgress

        if isinstance(event, PhaseProgress):
            if event.stage == "start":
                self.bar.set_description(f"phase {event.phase}")
            else:
                self.bar.update(1)
        elif hasattr(event, "objective"):
            self.bar.set_postfix(objective=event.objective, bound=getattr(event, "bound", None), refresh=False)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> "PhaseBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
