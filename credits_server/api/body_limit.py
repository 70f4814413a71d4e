"""Request bodies larger than `max_body_bytes` are refused early with 413 `payload_too_large`.

A declared Content-Length over the limit is answered before the body is read; a body sent in
chunks is counted as it arrives and cut off the moment it passes the limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credits_server.api.problems import problem_response

TOO_LARGE = "The request body is too large."


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            status = 413 if declared.isdigit() else 400
            code = "payload_too_large" if status == 413 else "bad_request"
            detail = TOO_LARGE if status == 413 else "The Content-Length header is not valid."
            await problem_response(None, status, code, detail)(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI passes an HTTPException from the body read on to the problem
                    # handlers, which answer 413 `payload_too_large`.
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, counted_receive, send)
