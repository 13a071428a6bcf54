"""The fake's virtual clock: it moves only when a test or a retry back-off moves it."""

from __future__ import annotations

import datetime as dt
import threading
import time


class Clock:
    """A clock that stands still until :meth:`advance` is called.

    Users get it as ``ses.clock``. Everything time-based in the fake (quotas,
    send rates, message ids, event timestamps) reads this clock, so a test's
    outcome never depends on how fast the machine runs it.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        if start is None:
            # Now, in whole seconds: the same as now(utc).replace(microsecond=0), read
            # without making datetimes (every test makes a clock).
            self._epoch = float(int(time.time()))
        elif start.tzinfo is None:
            raise ValueError("the clock's start must be timezone-aware")
        else:
            self._epoch = start.timestamp()
        self._offset = 0.0
        self._time = self._epoch  # kept, not summed per call: one float for every reader
        self._lock = threading.Lock()
        self._now: tuple[float, dt.datetime] | None = None

    def time(self) -> float:
        """Seconds since the Unix epoch, on the virtual clock."""
        return self._time

    def now(self) -> dt.datetime:
        """The virtual time as an aware UTC datetime."""
        epoch = self.time()
        cached = self._now
        if cached is None or cached[0] != epoch:  # the clock stands still between moves
            cached = self._now = (epoch, dt.datetime.fromtimestamp(epoch, dt.timezone.utc))
        return cached[1]

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (which must not be negative)."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward, got {seconds!r} seconds")
        with self._lock:
            self._offset += seconds
            self._time = self._epoch + self._offset

    def __repr__(self) -> str:
        return f"<Clock {self.now().isoformat()}>"
