"""The HTTP limit: a hello-world FastAPI endpoint on uvicorn, one process, with the settings
`credits-server serve` uses (log_level warning, no access log, lifespan on)."""

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello, World!"}


if __name__ == "__main__":
    port = int(sys.argv[1])
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
