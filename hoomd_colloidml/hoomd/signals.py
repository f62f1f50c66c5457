"""Make HOOMD GSD output survive SIGTERM and bound the loss on SIGKILL."""

from __future__ import annotations

import signal
import time
from collections.abc import Sequence
from typing import Any

import hoomd

__all__ = ["flush_on_sigterm", "FlushWriters"]


class FlushWriters(hoomd.custom.Action):
    """Flush GSD writers every ``interval`` seconds and stop the run after SIGTERM.

    ``hoomd.write.GSD`` buffers frames in memory (``maximum_write_buffer_size``); a
    killed process loses the buffer. This action calls ``writer.flush()`` whenever
    ``interval`` seconds have passed since the last flush, so a SIGKILL loses at most
    the frames written in the last ``interval`` seconds (plus one trigger period).
    Python signal handlers run only when control returns to Python, which inside
    ``sim.run`` happens in custom actions; the handler installed by
    :func:`flush_on_sigterm` therefore only sets a flag, and this action (at a safe
    point between time steps) flushes every writer and raises ``SystemExit(143)``.
    """

    def __init__(self, writers: Sequence[Any], interval: float = 60.0) -> None:
        super().__init__()
        if interval <= 0:
            raise ValueError(f"interval must be > 0 seconds; got {interval!r}.")
        self.writers = list(writers)
        self.interval = float(interval)
        self.terminate = False
        self._last = time.monotonic()

    def flush(self) -> None:
        for w in self.writers:
            w.flush()
        self._last = time.monotonic()

    def act(self, timestep: int) -> None:
        if self.terminate:
            self.flush()
            raise SystemExit(143)
        if time.monotonic() - self._last >= self.interval:
            self.flush()


def flush_on_sigterm(
    simulation: Any, writers: Sequence[Any], interval: float = 60.0, period: int = 100
) -> FlushWriters:
    """Flush ``writers`` on a timer and when SIGTERM arrives; stop the run cleanly.

    Adds a :class:`FlushWriters` ``CustomWriter`` (trigger ``Periodic(period)``) after the
    existing writers and installs a SIGTERM handler (main thread) that asks it to
    flush and exit. Call it after appending the GSD writers.

    Args:
        simulation (hoomd.Simulation): The simulation.
        writers (list[hoomd.write.GSD]): Writers to flush.
        interval (float): Seconds between timed flushes.
        period (int): Time steps between checks of the clock and the SIGTERM flag.

    Returns:
        FlushWriters: The action (``.flush()`` flushes at once).
    """
    action = FlushWriters(writers, interval)
    simulation.operations.writers.append(
        hoomd.write.CustomWriter(trigger=hoomd.trigger.Periodic(int(period)), action=action)
    )

    def handler(signum, frame):  # noqa: ARG001
        action.terminate = True

    signal.signal(signal.SIGTERM, handler)
    return action
