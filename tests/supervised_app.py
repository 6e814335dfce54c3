"""A tiny ASGI app for tests/test_supervisor.py: it answers with the id of the worker process
that accepted the connection; /busy holds that worker's event loop for a second first, as a
long request in a worker's loop would."""

from __future__ import annotations

import os
import time


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/busy":
        time.sleep(1.0)  # on purpose: nothing else runs in this worker meanwhile
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
