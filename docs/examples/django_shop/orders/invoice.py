"""The invoice attached to the confirmation: a one-page PDF, written by hand.

A real shop would use a PDF library; this keeps the example free of one.
"""

from __future__ import annotations

from orders.checkout import Order


def render_invoice_pdf(order: Order) -> bytes:
    lines = [
        f"Birch & Co. - invoice for order {order.number}",
        "",
        f"Customer: {order.name} <{order.email}>",
        "",
        *(
            f"{line.quantity} x {line.description} ({line.sku}) at EUR {line.unit_price}:"
            f" EUR {line.amount}"
            for line in order.lines
        ),
        "",
        f"Total: EUR {order.total}",
    ]
    text = ["BT", "/F1 11 Tf", "15 TL", "56 780 Td"]
    text += [f"({_pdf_string(line)}) Tj T*" for line in lines]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
