"""A receipt as a one-page A4 PDF, made with fpdf2: the same lines as `receipt_text`.

The PDF's standard fonts (Helvetica) hold Latin-1 only: amounts are written with their ISO code
(never "€"), and a character of a name or address outside Latin-1 is printed as "?".
"""

from __future__ import annotations

from credits_server.models import Receipt
from credits_server.services.receipts import number_text, receipt_lines

LABEL_WIDTH = 45  # millimetres: the widest label ("VAT 19.5% incl.:") with room to spare
LINE_HEIGHT = 7


def _printable(text: str) -> str:
    return text.encode("latin-1", errors="replace").decode("latin-1")


def receipt_pdf(receipt: Receipt) -> bytes:
    # Imported here: fpdf2 brings Pillow and fontTools (over a second of CPU to import), which a
    # server that is never asked for a PDF need not pay for at every start.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_title(_printable(f"Receipt {number_text(receipt.number)}"))
    pdf.set_author(_printable(receipt.seller or "credits-server"))
    # The receipt's own date, not the moment of rendering: the same receipt is the same file.
    pdf.set_creation_date(receipt.issued_at)
    pdf.set_margins(25, 25)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 22)
    pdf.cell(text="RECEIPT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    for label, value in receipt_lines(receipt):
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(w=LABEL_WIDTH, h=LINE_HEIGHT, text=_printable(f"{label}:" if label else ""))
        pdf.set_font("helvetica", "", 11)
        pdf.cell(h=LINE_HEIGHT, text=_printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
