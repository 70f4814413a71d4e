"""The HTTP limit: a hello-world FastAPI endpoint on uvicorn, one process, with the options
`credits-server serve` uses (credits_server.cli.SERVE_OPTIONS: the same event loop and HTTP
parser, log_level warning, no access log, lifespan on)."""

import sys

import uvicorn
from fastapi import FastAPI

from credits_server.cli import SERVE_OPTIONS

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello, World!"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), **SERVE_OPTIONS)
