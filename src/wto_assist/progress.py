"""Progress of a long step: a bar on a terminal, a plain line every few seconds anywhere else.

A log of a 28-minute `index` run (a cron job, CI, `… 2>&1 | tee log`) should say how far it got and how
long is left, not only "Embedding new windows": where the output is not a terminal, `Progress` writes
"embedded 12,000 of 29,273 windows, 3 min left" at most every INTERVAL seconds, and one line at the end.
On a terminal it is click's progress bar, as before.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

import click

INTERVAL = 5.0  # seconds between plain lines


def duration(seconds: float) -> str:
    """"40 s", "3 min", "1 h 5 min": as precise as an estimate deserves."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


class Progress:
    """`with Progress(total, "Embedding new windows", "embedded", "windows") as progress: progress.update(done)`."""

    def __init__(self, total: int, label: str, verb: str, unit: str, stream: TextIO | None = None,
                 terminal: bool | None = None, interval: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.total, self.label, self.verb, self.unit = total, label, verb, unit
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.interval, self.clock = INTERVAL if interval is None else interval, clock
        self.done = 0
        self._bar = None
        self._started = self._said = clock()

    def __enter__(self) -> Progress:
        if self.terminal:
            self._bar = click.progressbar(length=self.total, label=self.label, file=self.stream)
            self._bar.__enter__()
        return self

    def update(self, done: int) -> None:
        """`done` of the total are finished now."""
        if self._bar is not None:
            self._bar.update(done - self.done)
        self.done = done
        if self._bar is None and self.clock() - self._said >= self.interval:
            self._say(self.line())

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def line(self) -> str:
        """"embedded 12,000 of 29,273 windows, 3 min left" (no estimate before the first is done)."""
        said = f"{self.verb} {self.done:,} of {self.total:,} {self.unit}"
        elapsed = self.clock() - self._started
        if 0 < self.done < self.total and elapsed > 0:
            said += f", {duration(elapsed / self.done * (self.total - self.done))} left"
        return said

    def _say(self, text: str) -> None:
        click.echo(text, file=self.stream)
        self._said = self.clock()

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
        elif self.done:  # the last word in a log: how many, and how long it took
            self._say(f"{self.verb} {self.done:,} of {self.total:,} {self.unit} in {duration(self.clock() - self._started)}")


class Steps:
    """Progress of a call that reports `(step, done, total)` for several steps in turn ("checked" files, then
    "stored" cases): one `Progress` per step, the last closed when the next begins. `labels`: step ->
    (label, verb, unit); `options` go to each Progress."""

    def __init__(self, labels: dict[str, tuple[str, str, str]], **options):
        self.labels, self.options = labels, options
        self.step: str | None = None
        self.current: Progress | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.step, self.current = step, Progress(total, *self.labels[step], **self.options).__enter__()
        self.current.update(done)

    def line(self) -> str | None:
        """Where the current step stands ("embedded 1,200 of 29,273 windows, 3 min left"); None before any."""
        return self.current.line() if self.current else None

    def close(self) -> None:
        if self.current is not None:
            self.current.__exit__(None, None, None)
            self.current = None

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
