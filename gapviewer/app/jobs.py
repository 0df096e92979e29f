"""A worker thread that runs jobs one at a time: urgent slots first, then a FIFO backlog.

A slot holds at most one job: putting a new one replaces the waiting one (newest request wins).
The backlog runs only when no slot is waiting (thumbnails, classification of the whole list).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence

from PySide6.QtCore import QThread, Signal

log = logging.getLogger(__name__)

Job = Callable[[], None]


class JobThread(QThread):
    """Runs callables off the GUI thread; `jobDone` is emitted after each (also on error)."""

    jobDone = Signal()

    def __init__(self, name: str, slots: Sequence[str]) -> None:
        super().__init__()
        self.setObjectName(name)
        self._slot_order = tuple(slots)
        self._slots: dict[str, Job] = {}
        self._backlog: deque[Job] = deque()
        self._condition = threading.Condition()
        self._stopping = False

    def put(self, slot: str, job: Job) -> bool:
        """Queue `job` in `slot`; True when it replaced a job that had not started."""
        if slot not in self._slot_order:
            raise KeyError(f"unknown slot {slot!r}")
        with self._condition:
            replaced = slot in self._slots
            self._slots[slot] = job
            self._condition.notify()
        return replaced

    def put_backlog(self, jobs: Sequence[Job]) -> None:
        with self._condition:
            self._backlog.extend(jobs)
            self._condition.notify()

    def clear_backlog(self) -> int:
        """Drop waiting backlog jobs; returns how many were dropped."""
        with self._condition:
            dropped = len(self._backlog)
            self._backlog.clear()
        return dropped

    def stop(self) -> None:
        """Ask the loop to finish after the running job, drop the rest, and wait for it."""
        with self._condition:
            self._stopping = True
            self._slots.clear()
            self._backlog.clear()
            self._condition.notify()
        self.wait()

    def _next(self) -> Job | None:
        with self._condition:
            while not self._stopping:
                for slot in self._slot_order:
                    if slot in self._slots:
                        return self._slots.pop(slot)
                if self._backlog:
                    return self._backlog.popleft()
                self._condition.wait()
            return None

    def run(self) -> None:
        while (job := self._next()) is not None:
            try:
                job()
            except Exception:  # a job reports its own errors; this keeps the thread alive
                log.exception("job failed in %s", self.objectName())
            self.jobDone.emit()
