"""The load generator's ceiling: a responder that answers every request with the same bytes,
without parsing HTTP (an asyncio Protocol on uvloop, the servers' loop), one process.
wrk against it shows how many requests a second wrk can make here; the responder itself may be
the limit, so the figure is a lower bound on wrk's ceiling."""

import asyncio
import sys
from typing import cast

import uvloop

BODY = b'{"message":"Hello, World!"}'
ANSWER = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


class Responder(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)  # a TCP transport
        self.pending = b""

    def data_received(self, data: bytes) -> None:
        # One answer per request head received (wrk sends GETs with no body, one at a time).
        self.pending += data
        count = self.pending.count(b"\r\n\r\n")
        if count:
            self.pending = self.pending[self.pending.rfind(b"\r\n\r\n") + 4 :]
            self.transport.write(ANSWER * count)


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Responder, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1])))
