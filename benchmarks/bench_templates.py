"""Templated sends through pytest-ses against the floor, and the renderer on a 10 KB template.

Run::

    python benchmarks/bench_templates.py [--rounds N] [--calls N] [--markdown]

1. ``send_templated_email`` per call: pytest-ses (a stored template of a
   subject, a text and an HTML part, rendered on every send) vs the null
   ``before-send`` floor answering the same call with a prebuilt reply
   (``bench_calls.py``'s floor and rounds). Target: the fake within 1.3x of
   the floor plus the time the render alone takes.
2. Rendering a ~10 KB HTML template holding a 50-item ``{{#each}}`` (compiled
   once, as the fake caches compiled templates by text). Target: < 0.5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from _machine import machine
from bench_calls import (
    FAKE_SETTINGS,
    FLOOR,
    PACKAGES,
    SENDER,
    Operation,
    Row,
    add_null_handlers,
    call_loop,
    dummy_client,
    new_client,
    paired_ratio,
    run,
)

ORDER_DATA = {
    "name": "Ann",
    "order": {"id": "A-1001", "total": "42.50"},
    "items": [{"title": "Tea", "qty": 2, "price": "4.00"}, {"title": "Cup", "qty": 1}],
}
ORDER_TEMPLATE = {
    "TemplateName": "Order",
    "SubjectPart": "Order {{order.id}} confirmed",
    "TextPart": "Hi {{name}},\n{{#each items}}- {{title}} x{{qty}}\n{{/each}}Total {{order.total}}",
    "HtmlPart": "<h1>Hi {{name}}</h1><ul>{{#each items}}<li>{{title}} x{{qty}}</li>{{/each}}</ul>"
    "{{#if order.total}}<p>Total {{order.total}}</p>{{/if}}",
}
SEND = Operation(
    "send_templated_email",
    "SendTemplatedEmail",
    {
        "Source": SENDER,
        "Destination": {"ToAddresses": ["to@example.com"]},
        "Template": "Order",
        "TemplateData": json.dumps(ORDER_DATA),
    },
    "<MessageId>0100018f-0000-0000-0000-000000000000-000000</MessageId>",
    {"MessageId": "0100018f-0000-0000-0000-000000000000-000000"},
)


def big_template() -> tuple[str, dict[str, Any]]:
    """A ~10 KB HTML template with a 50-item ``{{#each}}``, and its data."""
    row = (
        '<tr class="item"><td class="title">{{title}}</td><td>{{@index}}</td>'
        '<td class="qty">{{qty}}</td><td>{{#if sale}}<b>sale</b>{{else}}-{{/if}}</td>'
        "<td>{{../currency}} {{price}}</td></tr>\n"
    )
    head = "<html><body><h1>Hello {{customer.name}}</h1>\n" + "<p>" + "x" * 80 + "</p>\n" * 1
    padding = "<p>" + "Thank you for your order. " * 20 + "</p>\n"
    text = head + padding * 19 + "<table>{{#each items}}" + row + "{{/each}}</table></body></html>"
    data = {
        "customer": {"name": "Ann"},
        "currency": "EUR",
        "items": [
            {"title": f"Item {i}", "qty": i, "sale": i % 3 == 0, "price": f"{i}.99"}
            for i in range(50)
        ],
    }
    return text, data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]

    null_client = dummy_client()
    add_null_handlers(null_client, {SEND.action: SEND.canned_body()})
    import pytest_ses
    from pytest_ses._fake import render

    with pytest_ses.mock_ses(**FAKE_SETTINGS):
        fake_client = new_client()

    def fake(n: int) -> int:
        with pytest_ses.mock_ses(**FAKE_SETTINGS):
            fake_client.create_template(Template=ORDER_TEMPLATE)  # type: ignore[arg-type]
            return call_loop(fake_client, SEND, n)

    def floor(n: int) -> int:
        return call_loop(null_client, SEND, n)

    parts = [ORDER_TEMPLATE["SubjectPart"], ORDER_TEMPLATE["TextPart"], ORDER_TEMPLATE["HtmlPart"]]

    def render_only(n: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(n):
            data = json.loads(SEND.kwargs["TemplateData"])
            for part in parts:
                render.render(part, data)
        return time.perf_counter_ns() - start

    big, big_data = big_template()

    def render_big(n: int) -> int:
        compiled = render.compile_template(big)
        start = time.perf_counter_ns()
        for _ in range(n):
            compiled.render(big_data)
        return time.perf_counter_ns() - start

    group = SEND.method
    rows = [
        Row(group, "pytest-ses mock_ses", fake, args.calls),
        Row(group, FLOOR, floor, args.calls),
        Row(group, "render + json.loads only", render_only, args.calls),
        Row("render 10 KB, 50-item each", f"{len(big)} chars", render_big, args.calls),
    ]
    run(rows, args.rounds)

    fake_row, floor_row, render_row, big_row = rows
    bound = [f + r for f, r in zip(floor_row.samples, render_row.samples, strict=True)]
    ratio = statistics.median(a / b for a, b in zip(fake_row.samples, bound, strict=True))
    lines = [
        f"{r.group:28} {r.name:28} {r.median_us:9.1f} µs"
        + (f"  {paired_ratio(r, floor_row):.2f}x floor" if r.group == group else "")
        for r in rows
    ]
    lines.append("")
    lines.append(
        f"templated send: {ratio:.2f}x (floor + render) (target <= 1.30x): "
        f"{'met' if ratio <= 1.3 else 'MISSED'}"
    )
    big_ms = big_row.median_us / 1000
    lines.append(
        f"render of a {len(big)}-char template with a 50-item each: {big_ms:.3f} ms "
        f"(target < 0.5 ms): {'met' if big_ms < 0.5 else 'MISSED'}"
    )
    lines.append(f"{args.rounds} rounds of {args.calls} calls; medians over rounds.")
    lines.extend(f"{k}: {v}" for k, v in machine(load, PACKAGES))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
