#!/usr/bin/python3
"""A conformance run against a WebSocket echo server, modelled on the Autobahn testsuite.

Usage: /usr/bin/python3 echo_conformance.py ws://127.0.0.1:PORT/

Well-formed traffic goes through Python's websockets library (an implementation that has nothing
to do with the server under test); what a library will not send (reserved bits and opcodes, bad
UTF-8, broken control frames, pings between fragments, bad close codes) goes through a small raw
socket client below. Cases are numbered after the Autobahn sections they follow:
1 framing, 2 pings and pongs, 3 reserved bits, 4 reserved opcodes, 5 fragmentation, 6 UTF-8,
7 close handling, 9 large messages, 12/13 permessage-deflate.

Prints one line per case ("PASS 1.1.1 ..." or "FAIL 1.1.1 ...: why"), then "N passed, M failed",
and last a JSON line: {"passed": N, "failed": M, "failures": [...], "nonStrict": [...]}. As in
Autobahn, a pass may be NON-STRICT (marked on its line): allowed behaviour, but not the strictest,
such as failing a connection before echoing the valid message that came just before the bad frame.
"""

import asyncio
import base64
import hashlib
import json
import os
import random
import struct
import sys
import time
import zlib
from urllib.parse import urlparse

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

URL = sys.argv[1]
_u = urlparse(URL)
HOST, PORT, PATH = _u.hostname, _u.port, (_u.path or "/")
MAX_MESSAGE = 16 * 1024 * 1024  # what the echo example accepts
CASE_TIMEOUT = 30.0
IO_TIMEOUT = 10.0

TEXT, BINARY, CLOSE, PING, PONG, CONT = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0


class CaseFailed(Exception):
    pass


class NonStrict(Exception):
    """The case passes as Autobahn's NON-STRICT: allowed, but not the strictest behaviour."""


def check(ok, why):
    if not ok:
        raise CaseFailed(why)


# ---------------------------------------------------------------------------------------------
# Raw client: our own framing, so that we can send what no library sends.


def mask_bytes(data, key):
    if not data:
        return data
    n = len(data)
    k = int.from_bytes((key * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(data, "big") ^ k).to_bytes(n, "big")


def frame_bytes(opcode, payload=b"", fin=True, rsv=0, masked=True, length=None):
    b0 = (0x80 if fin else 0) | ((rsv & 7) << 4) | (opcode & 0xF)
    n = len(payload) if length is None else length
    mbit = 0x80 if masked else 0
    if n < 126:
        head = struct.pack("!BB", b0, mbit | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + mask_bytes(payload, key)


class RawClient:
    """Frames sent before the next read go out in one write: a server that fails the connection
    then finds nothing unread in its socket, so its close frame is not lost to a TCP reset."""

    def __init__(self, reader, writer, response_headers):
        self.reader = reader
        self.writer = writer
        self.headers = response_headers
        self.pending = bytearray()

    @classmethod
    async def connect(cls, extensions=None):
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, PORT, limit=64 * 1024 * 1024), IO_TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {PATH} HTTP/1.1",
            f"Host: {HOST}:{PORT}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if extensions:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IO_TIMEOUT)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        check(" 101 " in status + " ", f"handshake answered {status!r}")
        headers = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        ).decode()
        check(headers.get("sec-websocket-accept") == accept, "bad Sec-WebSocket-Accept")
        return cls(reader, writer, headers)

    async def send(self, opcode, payload=b"", fin=True, rsv=0):
        self.pending += frame_bytes(opcode, payload, fin=fin, rsv=rsv)

    async def send_raw(self, data):
        self.pending += data

    async def flush(self):
        if self.pending:
            data, self.pending = bytes(self.pending), bytearray()
            try:
                self.writer.write(data)
                await self.writer.drain()
            except ConnectionError:
                pass  # the server may already have failed the connection: read what it said

    async def read_frame(self, timeout=IO_TIMEOUT):
        """(fin, rsv, opcode, payload), or None when the server closed TCP."""
        await self.flush()
        try:
            head = await asyncio.wait_for(self.reader.readexactly(2), timeout)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        b0, b1 = head
        check(not (b1 & 0x80), "server sent a masked frame")
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
        payload = await asyncio.wait_for(self.reader.readexactly(n), timeout)
        return bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0xF, payload

    async def read_message(self, timeout=IO_TIMEOUT):
        """(opcode, payload) of the next data message (fragments joined), skipping nothing."""
        f = await self.read_frame(timeout)
        check(f is not None, "connection closed instead of a message")
        fin, rsv, op, payload = f
        check(op in (TEXT, BINARY), f"expected a data frame, got opcode {op:#x}")
        parts = [payload]
        while not fin:
            f = await self.read_frame(timeout)
            check(f is not None and f[2] == CONT, "expected a continuation frame")
            fin = f[0]
            parts.append(f[3])
        return op, b"".join(parts)

    async def expect_frame(self, opcode, payload):
        f = await self.read_frame()
        check(f is not None, f"connection closed, expected opcode {opcode:#x}")
        check(f[2] == opcode, f"expected opcode {opcode:#x}, got {f[2]:#x} {f[3][:40]!r}")
        check(f[3] == payload, f"payload differs: {f[3][:40]!r} != {payload[:40]!r}")
        check(f[0] and f[1] == 0, "expected FIN set and no RSV bits")

    async def expect_close(self, code):
        """The next frame is a close with `code` (None: no status), then the server closes TCP."""
        f = await self.read_frame()
        check(f is not None, f"TCP closed without a close frame (expected {code})")
        fin, rsv, op, payload = f
        check(op == CLOSE, f"expected close {code}, got opcode {op:#x} {payload[:40]!r}")
        got = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        check(got == code, f"expected close code {code}, got {got} {payload[2:]!r}")
        if len(payload) > 2:
            payload[2:].decode("utf-8")  # the server's reason must itself be valid UTF-8
        return got

    async def expect_tcp_closed(self, reply_code=None):
        """Optionally answers the close, then expects EOF within the I/O timeout."""
        if reply_code is not None:
            await self.send(CLOSE, struct.pack("!H", reply_code))
        deadline = time.monotonic() + IO_TIMEOUT
        while time.monotonic() < deadline:
            f = await self.read_frame(timeout=deadline - time.monotonic())
            if f is None:
                return
            # frames still in flight before the EOF are skipped
        raise CaseFailed("server did not close TCP")

    async def fail_with(self, code):
        """The server must close with `code` and then drop TCP."""
        await self.expect_close(code)
        await self.expect_tcp_closed(reply_code=code)

    async def echo_then_fail(self, payload, code):
        """Expects the echo of `payload` and then a failure with `code`. Failing at once, without
        the echo, is what Autobahn grades NON-STRICT for sections 3 and 4 ("fail fast")."""
        f = await self.read_frame()
        check(f is not None, f"TCP closed without a close frame (expected {code})")
        if f[2] == CLOSE:
            got = struct.unpack("!H", f[3][:2])[0] if len(f[3]) >= 2 else None
            check(got == code, f"expected close code {code}, got {got} {f[3][2:]!r}")
            await self.expect_tcp_closed(reply_code=code)
            raise NonStrict(f"failed with {code} without echoing the message before")
        check(f[2] == TEXT and f[3] == payload, f"expected the echo, got {f[2]:#x} {f[3][:40]!r}")
        await self.fail_with(code)

    def close(self):
        self.writer.close()


async def raw():
    return await RawClient.connect()


# ---------------------------------------------------------------------------------------------
# Library client.


def lib(compression=None, extensions=None):
    return websockets.connect(
        URL,
        compression=compression,
        extensions=extensions,
        max_size=None,
        max_queue=None,
        ping_interval=None,
        open_timeout=IO_TIMEOUT,
        close_timeout=IO_TIMEOUT,
        write_limit=1 << 20,
        read_limit=1 << 20,
    )


async def echo_lib(message, compression=None):
    async with lib(compression) as ws:
        await ws.send(message)
        got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
        check(type(got) is type(message), f"got {type(got).__name__} back")
        check(got == message, f"echo differs ({len(got)} vs {len(message)} units)")
        await ws.close()
        check(ws.close_code == 1000, f"close code {ws.close_code}")


def text_of(size, seed=1):
    rnd = random.Random(seed)
    words = ["push", "wire", "netty", "socket", "frame", "µ", "é", "∑", "data", "\U0001F600"]
    out = []
    n = 0
    while n < size:
        w = rnd.choice(words) + " "
        out.append(w)
        n += len(w.encode())
    s = "".join(out).encode()[:size]
    return s.decode("utf-8", errors="ignore").ljust(size, "x")[:size] if size else ""


def ascii_text(size):
    return ("abcdefghijklmnopqrstuvwxyz0123456789 " * (size // 37 + 1))[:size]


def binary_of(size, seed=2):
    return random.Random(seed).randbytes(size)


CASES = []


def case(number, title):
    def register(fn):
        CASES.append((number, title, fn))
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# 1 Framing

for i, size in enumerate([0, 125, 126, 127, 128, 65535, 65536], start=1):

    def make(size):
        async def text_case():
            await echo_lib(ascii_text(size))

        async def binary_case():
            await echo_lib(binary_of(size))

        return text_case, binary_case

    t, b = make(size)
    case(f"1.1.{i}", f"text message of {size} bytes")(t)
    case(f"1.2.{i}", f"binary message of {size} bytes")(b)


@case("1.1.8", "text message of 1 MiB")
async def _():
    await echo_lib(ascii_text(1 << 20))


@case("1.2.8", "binary message of 1 MiB")
async def _():
    await echo_lib(binary_of(1 << 20))


@case("1.3.1", "a length not in its minimal encoding is refused with 1002 (RFC 6455 5.2: MUST)")
async def _():
    c = await raw()
    head = struct.pack("!BBH", 0x80 | TEXT, 0x80 | 126, 5)
    key = os.urandom(4)
    await c.send_raw(head + key + mask_bytes(b"hello", key))
    await c.fail_with(1002)


@case("1.3.2", "unmasked client frame is refused with 1002")
async def _():
    c = await raw()
    await c.send_raw(frame_bytes(TEXT, b"hello", masked=False))
    await c.fail_with(1002)


# ---------------------------------------------------------------------------------------------
# 2 Pings and pongs


@case("2.1", "ping without payload gets a pong")
async def _():
    c = await raw()
    await c.send(PING)
    await c.expect_frame(PONG, b"")
    c.close()


@case("2.2", "ping with a text payload gets a pong with the same payload")
async def _():
    async with lib() as ws:
        waiter = await ws.ping(b"Hello, world!")
        await asyncio.wait_for(waiter, IO_TIMEOUT)


@case("2.3", "ping with a binary payload gets the same payload back")
async def _():
    c = await raw()
    payload = bytes([0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF])
    await c.send(PING, payload)
    await c.expect_frame(PONG, payload)
    c.close()


@case("2.4", "ping with a 125-byte payload")
async def _():
    c = await raw()
    payload = bytes(range(125))
    await c.send(PING, payload)
    await c.expect_frame(PONG, payload)
    c.close()


@case("2.5", "ping with a 126-byte payload is refused with 1002")
async def _():
    c = await raw()
    await c.send(PING, b"\xfe" * 126)
    await c.fail_with(1002)


@case("2.6", "unsolicited pong is ignored")
async def _():
    c = await raw()
    await c.send(PONG, b"unsolicited")
    await c.send(TEXT, b"after pong")
    await c.expect_frame(TEXT, b"after pong")
    c.close()


@case("2.7", "ten pings in a row get ten pongs, in order")
async def _():
    c = await raw()
    for i in range(10):
        await c.send(PING, f"ping {i}".encode())
    for i in range(10):
        await c.expect_frame(PONG, f"ping {i}".encode())
    c.close()


# ---------------------------------------------------------------------------------------------
# 3 Reserved bits (no extension negotiated)


for i, (rsv, opcode, label) in enumerate(
    [(4, TEXT, "RSV1 on text"), (2, TEXT, "RSV2 on text"), (1, BINARY, "RSV3 on binary"),
     (7, PING, "all RSV bits on ping"), (3, CLOSE, "RSV2+RSV3 on close")],
    start=1,
):

    def make(rsv, opcode):
        async def reserved_bits():
            c = await raw()
            await c.send(TEXT, b"before")
            await c.send(opcode, b"bad" if opcode != CLOSE else struct.pack("!H", 1000), rsv=rsv)
            await c.send(PING, b"after")
            await c.echo_then_fail(b"before", 1002)

        return reserved_bits

    case(f"3.{i}", f"{label} is refused with 1002 after echoing the message before it")(
        make(rsv, opcode))


# ---------------------------------------------------------------------------------------------
# 4 Reserved opcodes


for i, opcode in enumerate([0x3, 0x5, 0x7, 0xB, 0xD, 0xF], start=1):

    def make(opcode):
        async def reserved_opcode():
            c = await raw()
            await c.send(TEXT, b"before")
            await c.send(opcode, b"reserved")
            await c.send(PING)
            await c.echo_then_fail(b"before", 1002)

        return reserved_opcode

    kind = "data" if opcode < 8 else "control"
    case(f"4.{i}", f"reserved {kind} opcode {opcode:#x} is refused with 1002")(make(opcode))


# ---------------------------------------------------------------------------------------------
# 5 Fragmentation


@case("5.1", "fragmented ping is refused with 1002")
async def _():
    c = await raw()
    await c.send(PING, b"frag", fin=False)
    await c.send(CONT, b"ment", fin=True)
    await c.fail_with(1002)


@case("5.2", "fragmented pong is refused with 1002")
async def _():
    c = await raw()
    await c.send(PONG, b"frag", fin=False)
    await c.send(CONT, b"ment", fin=True)
    await c.fail_with(1002)


@case("5.3", "text in two fragments is echoed as one message")
async def _():
    async with lib() as ws:
        await ws.send(iter(["fragment1", "fragment2"]))
        got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
        check(got == "fragment1fragment2", f"got {got!r}")


@case("5.4", "text in two fragments with a ping between them")
async def _():
    c = await raw()
    await c.send(TEXT, b"fragment1", fin=False)
    await c.send(PING, b"between")
    await c.send(CONT, b"fragment2", fin=True)
    await c.expect_frame(PONG, b"between")
    await c.expect_frame(TEXT, b"fragment1fragment2")
    c.close()


@case("5.5", "text in five fragments with pings between all of them")
async def _():
    c = await raw()
    parts = [b"one ", b"two ", b"three ", b"four ", b"five"]
    for i, p in enumerate(parts):
        await c.send(TEXT if i == 0 else CONT, p, fin=i == len(parts) - 1)
        if i < len(parts) - 1:
            await c.send(PING, f"p{i}".encode())
    for i in range(len(parts) - 1):
        await c.expect_frame(PONG, f"p{i}".encode())
    await c.expect_frame(TEXT, b"".join(parts))
    c.close()


@case("5.6", "binary message in 1-byte fragments")
async def _():
    c = await raw()
    data = binary_of(300)
    for i in range(len(data)):
        await c.send(BINARY if i == 0 else CONT, data[i:i + 1], fin=i == len(data) - 1)
    op, got = await c.read_message()
    check(op == BINARY and got == data, "binary echo differs")
    c.close()


@case("5.7", "continuation without a start is refused with 1002")
async def _():
    c = await raw()
    await c.send(CONT, b"orphan", fin=True)
    await c.fail_with(1002)


@case("5.8", "non-final continuation without a start is refused with 1002")
async def _():
    c = await raw()
    await c.send(CONT, b"orphan", fin=False)
    await c.send(CONT, b"orphan", fin=True)
    await c.fail_with(1002)


@case("5.9", "new text message while a fragmented one is open is refused with 1002")
async def _():
    c = await raw()
    await c.send(TEXT, b"first", fin=False)
    await c.send(TEXT, b"second", fin=True)
    await c.fail_with(1002)


@case("5.10", "empty fragments make an empty text message")
async def _():
    c = await raw()
    await c.send(TEXT, b"", fin=False)
    await c.send(CONT, b"", fin=False)
    await c.send(CONT, b"", fin=True)
    await c.expect_frame(TEXT, b"")
    c.close()


# ---------------------------------------------------------------------------------------------
# 6 UTF-8

VALID_UTF8 = "Hello-µ@ßöäüàá-UTF-8!! κόσμε \U0001F600 \U0010FFFF".encode()


@case("6.1", "valid multi-byte UTF-8 text")
async def _():
    await echo_lib(VALID_UTF8.decode())


@case("6.2", "valid UTF-8 split into 1-byte fragments (code points across frames)")
async def _():
    c = await raw()
    for i in range(len(VALID_UTF8)):
        await c.send(TEXT if i == 0 else CONT, VALID_UTF8[i:i + 1],
                     fin=i == len(VALID_UTF8) - 1)
    await c.expect_frame(TEXT, VALID_UTF8)
    c.close()


INVALID_UTF8 = [
    ("a UTF-16 surrogate", b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"),
    ("an overlong '/'", b"\xc0\xaf"),
    ("a code point above U+10FFFF", b"\xf4\x90\x80\x80"),
    ("a lone continuation byte", b"abc\x80def"),
    ("a truncated sequence at the end", b"hello \xe2\x82"),
    ("byte 0xFF", b"\xff"),
]

for i, (label, data) in enumerate(INVALID_UTF8, start=3):

    def make(data):
        async def invalid_utf8():
            c = await raw()
            await c.send(TEXT, data)
            await c.fail_with(1007)

        return invalid_utf8

    case(f"6.{i}", f"text with {label} is refused with 1007")(make(data))


@case("6.9", "invalid UTF-8 in the first fragment fails before the message ends")
async def _():
    c = await raw()
    await c.send(TEXT, b"valid \xed\xa0\x80 then invalid", fin=False)
    # The message never ends: a server that waits for the end would hang here.
    await c.fail_with(1007)


@case("6.10", "code point split across fragments, invalid once completed")
async def _():
    c = await raw()
    await c.send(TEXT, b"ok \xf4", fin=False)
    await c.send(CONT, b"\x90\x80\x80", fin=True)
    await c.fail_with(1007)


@case("6.11", "message ending inside a code point across fragments is refused with 1007")
async def _():
    c = await raw()
    await c.send(TEXT, b"ok \xe2", fin=False)
    await c.send(CONT, b"\x82", fin=True)
    await c.fail_with(1007)


# ---------------------------------------------------------------------------------------------
# 7 Close handling


@case("7.1", "close 1000 is answered with 1000 and the server closes TCP")
async def _():
    c = await raw()
    await c.send(CLOSE, struct.pack("!H", 1000) + b"bye")
    await c.expect_close(1000)
    await c.expect_tcp_closed()


@case("7.2", "close without a payload is answered with a close without a code")
async def _():
    c = await raw()
    await c.send(CLOSE)
    f = await c.read_frame()
    check(f is not None and f[2] == CLOSE, "no close frame")
    check(len(f[3]) == 0 or struct.unpack("!H", f[3][:2])[0] == 1000,
          f"unexpected close payload {f[3]!r}")
    await c.expect_tcp_closed()


@case("7.3", "close with a 1-byte payload is refused with 1002")
async def _():
    c = await raw()
    await c.send(CLOSE, b"\x03")
    await c.fail_with(1002)


@case("7.4", "close with a 123-byte reason is answered")
async def _():
    c = await raw()
    await c.send(CLOSE, struct.pack("!H", 1000) + b"*" * 123)
    await c.expect_close(1000)
    await c.expect_tcp_closed()


@case("7.5", "close with an invalid UTF-8 reason is refused with 1007")
async def _():
    c = await raw()
    await c.send(CLOSE, struct.pack("!H", 1000) + b"\xce\xba\xe1\xbd\xb9\xcf\x83\xed\xa0\x80")
    await c.fail_with(1007)


@case("7.6", "data after the client's close is not echoed")
async def _():
    c = await raw()
    await c.send(CLOSE, struct.pack("!H", 1000))
    await c.send(TEXT, b"after close")
    await c.send(PING, b"after close")
    await c.expect_close(1000)
    await c.expect_tcp_closed()


@case("7.7", "a message, then close: the echo comes before the close reply (Autobahn 7.1.1)")
async def _():
    c = await raw()
    await c.send(TEXT, b"last words")
    await c.send(CLOSE, struct.pack("!H", 1000))
    await c.expect_frame(TEXT, b"last words")
    await c.expect_close(1000)
    await c.expect_tcp_closed()


VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999]
INVALID_CODES = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999, 5000, 65535]


async def each_code(codes, expect):
    """Runs `expect(client, code)` on a fresh connection per code; reports every failing code."""
    failed = []
    for code in codes:
        c = await raw()
        await c.send(CLOSE, struct.pack("!H", code))
        try:
            await expect(c, code)
        except CaseFailed as e:
            failed.append(f"code {code}: {e}")
        finally:
            c.close()
    check(not failed, "; ".join(failed))


@case("7.8", f"valid close codes are echoed: {VALID_CODES}")
async def _():
    async def echoed(c, code):
        await c.expect_close(code)
        await c.expect_tcp_closed()

    await each_code(VALID_CODES, echoed)


@case("7.9", f"invalid close codes are refused with 1002: {INVALID_CODES}")
async def _():
    await each_code(INVALID_CODES, lambda c, code: c.fail_with(1002))


@case("7.10", "a library client's close with code 4000 and a reason completes cleanly")
async def _():
    async with lib() as ws:
        await ws.send("x")
        await ws.recv()
        await ws.close(4000, "done here")
        check(ws.close_code == 4000, f"server answered {ws.close_code}")


# ---------------------------------------------------------------------------------------------
# 9 Large messages


@case("9.1", "text message of 4 MiB")
async def _():
    await echo_lib(ascii_text(4 << 20))


@case("9.2", "text message of 16 MiB (the echo example's limit)")
async def _():
    await echo_lib(ascii_text(16 << 20))


@case("9.3", "binary message of 16 MiB")
async def _():
    await echo_lib(binary_of(16 << 20))


@case("9.4", "binary message of 16 MiB in 64 KiB fragments")
async def _():
    data = binary_of(16 << 20, seed=9)
    chunk = 64 * 1024
    async with lib() as ws:
        await ws.send(data[i:i + chunk] for i in range(0, len(data), chunk))
        got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT * 2)
        check(got == data, "echo differs")


@case("9.5", "text message of 4 MiB in 64 KiB fragments")
async def _():
    data = ascii_text(4 << 20)
    chunk = 64 * 1024
    async with lib() as ws:
        await ws.send(data[i:i + chunk] for i in range(0, len(data), chunk))
        got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
        check(got == data, "echo differs")


@case("9.6", "a frame announcing one byte over 16 MiB is refused with 1009 before its payload")
async def _():
    c = await raw()
    # Only the header and a little payload: the server must not wait for (or buffer) the rest.
    await c.send_raw(frame_bytes(BINARY, bytes(1024), length=(16 << 20) + 1)[:14 + 1024])
    await c.fail_with(1009)


@case("9.7", "fragments adding up to more than 16 MiB are refused with 1009")
async def _():
    c = await raw()
    chunk = bytes(1 << 20)
    for i in range(17):
        await c.send(BINARY if i == 0 else CONT, chunk, fin=False)
    await c.fail_with(1009)


@case("9.8", "1000 small messages are echoed in order")
async def _():
    async with lib() as ws:
        for i in range(1000):
            await ws.send(f"message {i}")
        for i in range(1000):
            got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
            check(got == f"message {i}", f"message {i}: got {got!r}")


# ---------------------------------------------------------------------------------------------
# 12/13 permessage-deflate

COMPRESSION_SIZES = [16, 64, 255, 256, 1024, 4096, 16384, 65536, 131072]


async def echo_compressed(factory, expect_params, messages_per_size=5, may_decline=False):
    """Echo of text and random binary messages of many sizes over a negotiated deflate."""
    async with lib(extensions=[factory]) as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        if not (may_decline and not ext):
            check(ext.startswith("permessage-deflate"), f"not negotiated: {ext!r}")
            params = [p.strip() for p in ext.split(";")[1:]]
            for p in expect_params:
                check(p in params, f"response {ext!r} lacks {p}")
        for size in COMPRESSION_SIZES:
            for k in range(messages_per_size):
                for msg in (text_of(size, seed=size + k), binary_of(size, seed=size + k)):
                    await ws.send(msg)
                    got = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
                    check(got == msg, f"{type(msg).__name__} of {size} bytes: echo differs")
        await ws.close()
        check(ws.close_code == 1000, f"close code {ws.close_code}")


@case("12.1", "default offer (client_max_window_bits): server_no_context_takeover, echo")
async def _():
    await echo_compressed(ClientPerMessageDeflateFactory(), ["server_no_context_takeover"])


@case("12.2", "compressed messages interleaved with pings")
async def _():
    async with lib(compression="deflate") as ws:
        for i in range(20):
            msg = text_of(2000, seed=i)
            await ws.send(msg)
            waiter = await ws.ping(f"p{i}".encode())
            check(await asyncio.wait_for(ws.recv(), IO_TIMEOUT) == msg, f"message {i}")
            await asyncio.wait_for(waiter, IO_TIMEOUT)


# (case, offer, parameters the response must carry when it accepts, whether declining is fine).
# RFC 7692 7.1.2.1: a server accepts server_max_window_bits=N by answering with it (N or less);
# one that cannot honour it must decline the offer. Declining a smaller window is conformant;
# accepting it and then sending data the client cannot inflate is not.
OFFERS = [
    ("13.1", dict(client_no_context_takeover=True), [], False),
    ("13.2", dict(server_no_context_takeover=True), ["server_no_context_takeover"], False),
    ("13.3", dict(server_max_window_bits=9), ["server_max_window_bits=9"], True),
    ("13.4", dict(server_max_window_bits=15, client_max_window_bits=15),
     ["server_max_window_bits=15"], False),
    ("13.5", dict(client_max_window_bits=9), [], False),
    ("13.6", dict(server_no_context_takeover=True, client_no_context_takeover=True,
                  server_max_window_bits=12),
     ["server_no_context_takeover", "server_max_window_bits=12"], True),
    ("13.7", dict(server_max_window_bits=8), ["server_max_window_bits=8"], True),
    ("13.8", dict(client_max_window_bits=None), [], False),
]

for number, params, expected, may_decline in OFFERS:

    def make(params, expected, may_decline):
        async def offer():
            await echo_compressed(
                ClientPerMessageDeflateFactory(**params), expected, 2, may_decline)

        return offer

    label = ", ".join(f"{k}={v}" for k, v in params.items())
    verdict = "declined or echo works" if may_decline else "echo of compressed messages"
    case(number, f"offer {label}: {verdict}")(make(params, expected, may_decline))


@case("13.9", "raw compressed frame, checked with zlib, and RSV1 on a continuation -> 1002")
async def _():
    c = await RawClient.connect(extensions="permessage-deflate")
    check("permessage-deflate" in c.headers.get("sec-websocket-extensions", ""), "not negotiated")
    text = (b"compress me " * 200)
    comp = zlib.compressobj(wbits=-15)
    body = comp.compress(text) + comp.flush(zlib.Z_SYNC_FLUSH)
    check(body.endswith(b"\x00\x00\xff\xff"), "zlib did not end with a sync flush")
    await c.send(TEXT, body[:-4], rsv=4)
    f = await c.read_frame()
    check(f is not None and f[2] == TEXT, "no text frame back")
    data = f[3]
    if f[1] & 4:
        data = zlib.decompressobj(wbits=-15).decompress(data + b"\x00\x00\xff\xff")
    check(data == text, "echo differs after inflating")
    await c.send(TEXT, b"abc", fin=False)
    await c.send(CONT, b"def", fin=True, rsv=4)
    await c.fail_with(1002)


@case("13.10", "corrupt deflate data is refused with 1007")
async def _():
    c = await RawClient.connect(extensions="permessage-deflate")
    check("permessage-deflate" in c.headers.get("sec-websocket-extensions", ""), "not negotiated")
    await c.send(TEXT, b"\xff\xff\xff\xff\xff\xff", rsv=4)
    await c.fail_with(1007)


# ---------------------------------------------------------------------------------------------


async def main():
    passed, failures, non_strict = 0, [], []
    for number, title, fn in CASES:
        started = time.monotonic()
        try:
            await asyncio.wait_for(fn(), CASE_TIMEOUT)
            ok, why = True, ""
        except NonStrict as e:
            ok, why = True, f"non-strict: {e}"
            non_strict.append(f"{number}: {e}")
        except CaseFailed as e:
            ok, why = False, str(e)
        except asyncio.TimeoutError:
            ok, why = False, f"timed out after {CASE_TIMEOUT:.0f} s"
        except Exception as e:  # anything unexpected fails this case, not the run
            ok, why = False, f"{type(e).__name__}: {e}"
        ms = (time.monotonic() - started) * 1000
        if ok:
            passed += 1
            note = f" [{why}]" if why else ""
            print(f"PASS {number} {title} ({ms:.0f} ms){note}", flush=True)
        else:
            failures.append(f"{number}: {why}")
            print(f"FAIL {number} {title} ({ms:.0f} ms): {why}", flush=True)
    print(f"{passed} passed, {len(failures)} failed", flush=True)
    if non_strict:
        print(f"{len(non_strict)} of the passes are non-strict", flush=True)
    print(json.dumps({"passed": passed, "failed": len(failures), "failures": failures,
                      "nonStrict": non_strict}), flush=True)


asyncio.run(main())
