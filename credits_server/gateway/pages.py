"""The shell of the pages a person opens from a payment link, for every gateway: one HTML
document built with the standard library (every value through `html.escape`), one stylesheet
allowed by its hash, and the headers that keep the page to itself: a strict
Content-Security-Policy (no script at all, no framing, forms only to this server), no Referer
(the link's token is in its path), nothing cached.

The colours are named here once (`PALETTE`), so a test can check each text colour's contrast
against its background (WCAG AA: 4.5:1 for text, 3:1 for borders and the focus ring).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from string import Template

from fastapi.responses import HTMLResponse

PALETTE = {
    "text": "#1a1a1a",
    "muted": "#4a4a4a",
    "page": "#f4f5f7",
    "card": "#ffffff",
    "border": "#6b6b6b",
    "accent": "#1a56db",
    "on_accent": "#ffffff",
    "focus": "#b45309",
    "error": "#b42318",
    "error_bg": "#fef3f2",
    "ok": "#05603a",
}
# (foreground, background, least contrast) as the page uses them.
CONTRASTS = [
    ("text", "card", 4.5),
    ("muted", "card", 4.5),
    ("text", "page", 4.5),
    ("muted", "page", 4.5),
    ("on_accent", "accent", 4.5),
    ("error", "error_bg", 4.5),
    ("ok", "card", 4.5),
    ("border", "card", 3.0),
    ("focus", "card", 3.0),
    ("focus", "page", 3.0),
]

CSS = Template("""
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;background:${page};color:${text};
font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem 2rem}
.sheet{background:${card};border-radius:.75rem;padding:1.25rem;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 .25rem}
.for{color:${muted};margin:0 0 1rem}
.amount{font-size:2.25rem;font-weight:700;margin:0 0 1rem;letter-spacing:-.01em}
.note{color:${muted};font-size:.9375rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;font:inherit;
color:${text};background:${card};border:1px solid ${border};border-radius:.375rem}
.pair{display:flex;gap:.75rem;align-items:flex-end}.pair>div{flex:1}
button{display:block;width:100%;min-height:3rem;margin-top:1.5rem;font:inherit;
font-weight:700;color:${on_accent};background:${accent};border:0;border-radius:.375rem;
cursor:pointer}
button.quiet{color:${accent};background:${card};border:1px solid ${accent};margin-top:.75rem}
:focus-visible{outline:3px solid ${focus};outline-offset:2px}
input:focus{outline:3px solid ${focus};outline-offset:1px}
.alert{color:${error};background:${error_bg};border-left:4px solid ${error};
padding:.75rem;margin:0 0 1rem;border-radius:.25rem}
.field-error{color:${error};margin:.25rem 0 0;font-size:.9375rem}
.done{color:${ok}}
@media (min-width:48rem){main{padding-top:4rem}.sheet{padding:2rem}}
""").substitute(PALETTE)

_STYLE_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{_STYLE_HASH}'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page(
    title: str, body: str, status: int = 200, refresh_seconds: int | None = None
) -> HTMLResponse:
    """A whole page: `title` is text (escaped here), `body` HTML its caller escaped."""
    refresh = (
        ""
        if refresh_seconds is None
        else f'<meta http-equiv="refresh" content="{refresh_seconds}">'
    )
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"{refresh}<title>{escape(title)}</title><style>{CSS}</style></head>"
        f'<body><main><div class="sheet">{body}</div></main></body></html>'
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def message_page(title: str, words: str, status: int) -> HTMLResponse:
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(words)}</p>", status)


def gone_page(code: str) -> HTMLResponse:
    """410 for a link paid with or expired (the services' `Gone` codes)."""
    if code == "payment_link_used":
        return message_page(
            "This payment link has been used",
            "The payment is done. You can close this page and return to the terminal.",
            410,
        )
    return message_page(
        "This payment link has expired",
        "Ask the app for a new one: nothing was charged with this link.",
        410,
    )


def missing_page() -> HTMLResponse:
    return message_page(
        "No such payment link", "Check the link, or ask the app for a new one.", 404
    )
