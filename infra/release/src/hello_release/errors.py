"""Failures the command line reports in one line, with what was and was not changed."""

from __future__ import annotations


class ReleaseError(Exception):
    """A runtime failure (exit 1): the message says what went wrong."""


class Changes:
    """What a command has changed in AWS so far, for the one-line error report."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.pending: str | None = None

    def record(self, done: str, pending: str | None = None) -> None:
        """Notes a completed change and, if any, the next change not yet made."""
        self.done.append(done)
        self.pending = pending

    def summary(self) -> str:
        if not self.done:
            return "nothing was changed"
        text = ", ".join(self.done)
        return f"{text} but {self.pending}" if self.pending else text
