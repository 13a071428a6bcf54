"""Counters and limits on the virtual clock: the 24-hour window, statistics, token buckets."""

from __future__ import annotations

import collections
import dataclasses

DAY = 24 * 60 * 60.0
BUCKET = 15 * 60.0  # GetSendStatistics reports 15-minute intervals
STATS_WINDOW = 14 * DAY  # ... over the last two weeks


@dataclasses.dataclass(init=False)
class SendLog:
    """What a region sent: recipients counted against the daily quota, and statistics.

    The virtual clock never goes back, so the sends of the last 24 hours are a
    window that only moves forward: a running total with the sends inside it,
    oldest first, answers the quota check in constant time however many
    messages a test sends.
    """

    window: collections.deque[list[float]]
    in_window: int
    # bucket start -> [DeliveryAttempts, Bounces, Complaints, Rejects]
    stats: dict[float, list[int]]

    def __init__(self) -> None:  # written out: every region makes one
        self.window = collections.deque()
        self.in_window = 0
        self.stats = {}

    def record(self, now: float, counted: int, attempts: int) -> None:
        """A send at ``now``: ``counted`` recipients against the quota, ``attempts`` deliveries."""
        if counted:
            window = self.window
            if window and window[-1][0] == now:  # the clock stands still between sends
                window[-1][1] += counted
            else:
                window.append([now, counted])
            self.in_window += counted
        start = now - now % BUCKET  # as bucket() finds it, without the call on every send
        counters = self.stats.get(start)
        if counters is None:
            counters = self.stats[start] = [0, 0, 0, 0]
        counters[0] += attempts

    def bucket(self, now: float) -> list[int]:
        """The statistics counters of the 15-minute interval holding ``now``."""
        start = now - now % BUCKET
        counters = self.stats.get(start)
        if counters is None:
            counters = self.stats[start] = [0, 0, 0, 0]
        return counters

    def sent_last_24_hours(self, now: float) -> int:
        window = self.window
        while window and window[0][0] <= now - DAY:
            self.in_window -= int(window.popleft()[1])
        return self.in_window

    def data_points(self, now: float) -> list[dict[str, object]]:
        import datetime as dt

        points = []
        for start in sorted(self.stats):
            if now - STATS_WINDOW < start <= now:
                attempts, bounces, complaints, rejects = self.stats[start]
                points.append(
                    {
                        "Timestamp": dt.datetime.fromtimestamp(start, dt.timezone.utc),
                        "DeliveryAttempts": attempts,
                        "Bounces": bounces,
                        "Complaints": complaints,
                        "Rejects": rejects,
                    }
                )
        return points


@dataclasses.dataclass(init=False)
class TokenBucket:
    """A rate limit on the virtual clock: ``rate`` tokens a second, holding at most ``capacity``.

    The bucket starts full. A request bigger than ``capacity`` still passes
    when the bucket is full and leaves it in debt, which is how SES lets a
    5-recipient send through at 1/s and then refuses sends for 5 seconds.
    """

    rate: float
    capacity: float
    tokens: float
    updated: float | None

    def __init__(self, rate: float, capacity: float) -> None:  # written out: each test makes one
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = None

    def take(self, amount: float, now: float) -> bool:
        """Take ``amount`` tokens at time ``now``; ``False`` (and nothing taken) if too few."""
        if self.updated is not None and now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        if self.updated is None or now > self.updated:
            self.updated = now
        # The tolerance absorbs float error from retry back-offs summed on the clock.
        if self.tokens + 1e-9 < min(amount, self.capacity):
            return False
        self.tokens -= amount
        return True
