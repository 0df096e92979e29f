"""Worker threads of the triage panel for work that is not the model thread's: reading result
files and stored maps, and driving a Ray scan.

Jobs are plain callables `job(context)` run one at a time on a thread started on first use;
per slot the newest request wins (a waiting one is replaced, a running one cancelled) and every
outcome carries the request's generation, so receivers drop stale ones with `current`. A
worker's thread ends when it has nothing left to do, unless it is `keep_alive`: Ray's processes
die with the thread that started them, so the Ray scan's thread stays until `shutdown`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from .engine import LazyCancel, reason_line

log = logging.getLogger(__name__)

Job = Callable[[], None]
FINAL_SLOT = "final"


class _SlotThread(QThread):
    """Runs one waiting job per slot, in slot order; ends when idle unless `keep_alive`, and
    after `close`."""

    def __init__(self, name: str, slots: Sequence[str], keep_alive: bool) -> None:
        super().__init__()
        self.setObjectName(name)
        self._order = (*slots, FINAL_SLOT)
        self._keep_alive = keep_alive
        self._jobs: dict[str, Job] = {}
        self._condition = threading.Condition()
        self._closing = False
        self._ended = False

    def put(self, slot: str, job: Job) -> bool:
        """Queue `job`, replacing the slot's waiting one; False once the loop has ended."""
        with self._condition:
            if self._ended or self._closing:
                return False
            self._jobs[slot] = job
            self._condition.notify()
            return True

    def close(self, final: Job | None) -> None:
        """Drop the waiting jobs, run `final` after the running one, then end."""
        with self._condition:
            self._jobs.clear()
            if final is not None:
                self._jobs[FINAL_SLOT] = final
            self._closing = True
            self._condition.notify()

    def run(self) -> None:
        while True:
            with self._condition:
                while not self._jobs and self._keep_alive and not self._closing:
                    self._condition.wait()
                if not self._jobs:
                    self._ended = True
                    return
                slot = next(name for name in self._order if name in self._jobs)
                job = self._jobs.pop(slot)
            try:
                job()
            except Exception:  # a job reports its own errors; this keeps the loop alive
                log.exception("job failed in %s", self.objectName())


# Every started loop until it has finished: a QThread destroyed while it runs aborts the
# process, and a loop's owner may be destroyed while the loop is still ending. Finished loops
# are dropped by the next `submit`, on the GUI thread.
_STARTED: set[_SlotThread] = set()


@dataclass(frozen=True)
class TaskContext:
    """What a job gets: a core `CancelToken` (pass it to core functions, or call `check()`),
    `progress(fraction, message)` and `partial(value)` (an early result the GUI receives while
    the job goes on)."""

    cancel: Any
    progress: Callable[[float, str], None]
    partial: Callable[[Any], None]


class TriageWorker(QObject):
    """One worker thread with named slots; see the module docstring. Outcomes arrive on the GUI
    thread as exactly one of `finished`, `failed` (one-line message) or `cancelled`, after any
    `progressed` and `partial`; a request replaced before it started reports nothing. A job that
    stops early when cancelled but returns (e.g. a scan with its rows so far) is `finished`;
    `cancelled` means it raised `Cancelled` or never started."""

    progressed = Signal(str, int, float, str)  # slot, generation, fraction, message
    partial = Signal(str, int, object)  # slot, generation, early result
    finished = Signal(str, int, object)  # slot, generation, the job's return value
    failed = Signal(str, int, str)  # slot, generation, one-line message
    cancelled = Signal(str, int)  # slot, generation

    def __init__(
        self,
        name: str,
        slots: Sequence[str],
        parent: QObject | None = None,
        keep_alive: bool = False,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.slots = tuple(slots)
        self.keep_alive = keep_alive
        self._thread: _SlotThread | None = None
        self._generation = dict.fromkeys(self.slots, 0)
        self._tokens: dict[str, LazyCancel] = {}

    def submit(self, slot: str, job: Callable[[TaskContext], Any]) -> int:
        """Run `job` in `slot` (cancelling the slot's running job); returns its generation."""
        if slot not in self._generation:
            raise KeyError(f"unknown slot {slot!r}")
        self.cancel(slot)
        self._generation[slot] += 1
        generation = self._generation[slot]
        token = LazyCancel()
        self._tokens[slot] = token
        run = lambda: self._run(slot, generation, job, token)  # noqa: E731
        if self._thread is None or not self._thread.put(slot, run):
            if self._thread is not None:
                self._thread.wait()  # it is returning from an idle loop
            _STARTED.difference_update([t for t in _STARTED if t.isFinished()])
            self._thread = _SlotThread(self.name, self.slots, self.keep_alive)
            self._thread.put(slot, run)
            _STARTED.add(self._thread)
            self._thread.start()
        return generation

    def cancel(self, slot: str) -> None:
        """Stop the slot's running job at its next check point (a waiting one never starts)."""
        token = self._tokens.get(slot)
        if token is not None:
            token.cancel()

    def current(self, slot: str, generation: int) -> bool:
        """True when `generation` is the slot's newest request."""
        return generation == self._generation.get(slot)

    def shutdown(self, final: Job | None = None) -> None:
        """Cancel every job, run `final` on the thread after the running job ends (e.g. leaving
        Ray, which must happen on the thread that joined it), and join the thread."""
        for token in self._tokens.values():
            token.cancel()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.close(final)
            thread.wait()

    def _run(
        self, slot: str, generation: int, job: Callable[[TaskContext], Any], token: LazyCancel
    ) -> None:
        from ..core.capture import Cancelled

        if token.cancelled:
            self.cancelled.emit(slot, generation)
            return
        context = TaskContext(
            token.core_token(),
            lambda fraction, message: self.progressed.emit(slot, generation, fraction, message),
            lambda value: self.partial.emit(slot, generation, value),
        )
        try:
            result = job(context)
        except Cancelled:
            self.cancelled.emit(slot, generation)
            return
        except Exception as error:  # reported as one line by the receiver; the thread goes on
            log.debug("triage job %s failed", slot, exc_info=True)
            self.failed.emit(slot, generation, reason_line(error))
            return
        self.finished.emit(slot, generation, result)

