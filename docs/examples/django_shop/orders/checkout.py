"""Orders and how they are placed (in memory: the example has no database)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

# SKU -> (description, unit price in euros)
CATALOG = {
    "TEA-250": ("Assam tea, 250 g", Decimal("8.50")),
    "MUG-01": ("Stoneware mug", Decimal("14.00")),
    "POT-1L": ("Cast-iron teapot, 1 l", Decimal("39.90")),
}


@dataclass(frozen=True)
class Line:
    sku: str
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Order:
    number: str
    email: str
    name: str
    lines: tuple[Line, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def place_order(email: str, name: str, items: Mapping[str, int]) -> Order:
    """An order for ``items`` (SKU -> quantity); ValueError if the cart makes no sense."""
    if "@" not in email or not items:
        raise ValueError("an order needs an email address and at least one item")
    lines = []
    for sku, quantity in sorted(items.items()):
        if sku not in CATALOG or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"cannot order {quantity!r} of {sku!r}")
        description, price = CATALOG[sku]
        lines.append(Line(sku, description, quantity, price))
    number = f"BC-{secrets.token_hex(3).upper()}"
    return Order(number=number, email=email, name=name, lines=tuple(lines))
