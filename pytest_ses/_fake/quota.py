"""Sending counters on the virtual clock: the 24-hour window and statistics buckets."""

from __future__ import annotations

import dataclasses

DAY = 24 * 60 * 60.0
BUCKET = 15 * 60.0  # GetSendStatistics reports 15-minute intervals
STATS_WINDOW = 14 * DAY  # ... over the last two weeks


@dataclasses.dataclass
class SendLog:
    """What a region sent, as (time, recipients counted against the daily quota)."""

    entries: list[tuple[float, int]] = dataclasses.field(default_factory=list)
    # bucket start -> [DeliveryAttempts, Bounces, Complaints, Rejects]
    stats: dict[float, list[int]] = dataclasses.field(default_factory=dict)

    def sent_last_24_hours(self, now: float) -> int:
        return sum(count for at, count in self.entries if now - DAY < at <= now)

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
