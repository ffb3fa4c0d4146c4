"""A job the local stack runs every few seconds on a daemon thread, as AWS would run it on its own (the mail
queues' event source mappings, EventBridge schedules)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Repeating:
    def __init__(self, name: str, seconds: float, job: Callable[[], object]) -> None:
        self._name = name
        self._seconds = seconds
        self._job = job
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_error: Callable[[BaseException], None]) -> None:
        def loop() -> None:
            while not self._stop.wait(self._seconds):
                try:
                    self._job()
                except Exception as error:  # the job keeps going, as AWS's own runs do
                    on_error(error)

        self._thread = threading.Thread(target=loop, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
