"""The bare stack: FastAPI + uvicorn answering a constant, served exactly as `zeal serve` serves.

    python -m bench.hello --port 8001

It is the reference every figure in `bench.compare` is divided by: what this machine's Python,
uvicorn and FastAPI can do when the application does nothing.
"""

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from zeal.app import settle_heap


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    settle_heap()  # as `zeal serve` does
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from zeal.cli import uvicorn_options

    uvicorn.run("bench.hello:app", port=args.port, workers=args.workers, **uvicorn_options())


if __name__ == "__main__":
    main()
