#!/usr/bin/python3
"""One client scenario of Python's websockets (Debian's 10.4) against a Pushwire echo server.

Usage: /usr/bin/python3 websockets_client.py URL CASE

The server echoes text as text and binary as binary; on the text "please disconnect" it closes
the connection with 4001 "requested". Prints one JSON line: {"ok": bool, "error": str|null, ...}.
"""

import asyncio
import json
import sys

import websockets

URL, CASE = sys.argv[1], sys.argv[2]
TIMEOUT = 10


def connect(**kwargs):
    kwargs.setdefault("ping_interval", None)
    kwargs.setdefault("open_timeout", TIMEOUT)
    kwargs.setdefault("close_timeout", TIMEOUT)
    return websockets.connect(URL, **kwargs)


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), TIMEOUT)


async def text_echo(out):
    async with connect() as ws:
        msg = "héllo wörld ✓ \U0001F600"
        await ws.send(msg)
        got = await recv(ws)
        out["echoed"] = got == msg
        out["kind"] = type(got).__name__


async def binary_echo(out):
    async with connect() as ws:
        msg = bytes(range(256)) * 16
        await ws.send(msg)
        got = await recv(ws)
        out["echoed"] = got == msg
        out["kind"] = type(got).__name__


async def fragmented_echo(out):
    async with connect() as ws:
        await ws.send(iter(["frag", "mented ", "tëxt"]))
        text = await recv(ws)
        await ws.send(iter([b"\x00\x01", b"\x02" * 1000, b"\xff"]))
        data = await recv(ws)
        out["textEchoed"] = text == "fragmented tëxt"
        out["binaryEchoed"] = data == b"\x00\x01" + b"\x02" * 1000 + b"\xff"


async def ping_pong(out):
    async with connect() as ws:
        # websockets resolves a ping's waiter only on a pong carrying the same payload.
        waiters = [await ws.ping(p) for p in (b"", b"payload", bytes(range(125)))]
        await asyncio.wait_for(asyncio.gather(*waiters), TIMEOUT)
        out["pongs"] = len(waiters)


async def client_close_code(out):
    ws = await connect()
    await ws.send("bye soon")
    await recv(ws)
    await ws.close(4000, "bye")
    out["closeCode"] = ws.close_code  # the code of the server's close frame
    out["closeReason"] = ws.close_reason


async def server_close_code(out):
    async with connect() as ws:
        await ws.send("please disconnect")
        try:
            while True:
                await recv(ws)
        except websockets.ConnectionClosed as e:
            out["closeCode"] = e.rcvd.code if e.rcvd else None
            out["closeReason"] = e.rcvd.reason if e.rcvd else None


async def too_big(out):
    async with connect(compression=None) as ws:
        await ws.send(b"x" * (100 * 1024))
        try:
            while True:
                await recv(ws)
        except websockets.ConnectionClosed as e:
            out["closeCode"] = e.rcvd.code if e.rcvd else None


async def compression(out):
    # websockets 10.4 offers "permessage-deflate; client_max_window_bits" by default.
    async with connect(max_size=None) as ws:
        out["extensions"] = ws.response_headers.get("Sec-WebSocket-Extensions")
        out["negotiated"] = [e.name for e in ws.extensions]
        ok = True
        for size in (10, 255, 256, 4096, 60000):
            msg = ("compress me please " * (size // 19 + 1))[:size]
            await ws.send(msg)
            ok = ok and await recv(ws) == msg
        out["echoed"] = ok


CASES = {f.__name__: f for f in
         (text_echo, binary_echo, fragmented_echo, ping_pong, client_close_code,
          server_close_code, too_big, compression)}


async def main():
    out = {"case": CASE, "ok": False, "error": None}
    try:
        await asyncio.wait_for(CASES[CASE](out), TIMEOUT * 2)
        out["ok"] = True
    except Exception as e:  # reported to the Java test, which shows it
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out), flush=True)


asyncio.run(main())
