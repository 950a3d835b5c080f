#!/usr/bin/env python3
"""Send one MongoDB ``ping`` command and report whether the server answered ok.

Used by deploy/local/stack.sh as the FerretDB readiness probe. It needs only the
Python standard library (no pymongo), because it runs before any project
virtualenv exists. It speaks just enough of the wire protocol for this: a single
OP_MSG request carrying ``{ping: 1, $db: "admin"}`` and a top-level scan of the
reply document for its ``ok`` field.

Usage: mongo_ping.py HOST PORT [TIMEOUT_SECONDS]
Exit status: 0 when the server replied ok: 1, 1 otherwise (reason on stderr).
"""

from __future__ import annotations

import socket
import struct
import sys

OP_MSG = 2013
HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode

# Byte size of the fixed-size BSON element types we may have to skip over.
FIXED_SIZES = {
    0x01: 8,  # double
    0x07: 12,  # ObjectId
    0x08: 1,  # bool
    0x09: 8,  # UTC datetime
    0x0A: 0,  # null
    0x10: 4,  # int32
    0x11: 8,  # timestamp
    0x12: 8,  # int64
    0x13: 16,  # decimal128
}


def bson_cstring(text: str) -> bytes:
    return text.encode() + b"\x00"


def ping_document() -> bytes:
    """Encode {ping: 1, $db: "admin"} as BSON."""
    db = bson_cstring("admin")
    body = (
        b"\x10"
        + bson_cstring("ping")
        + struct.pack("<i", 1)
        + b"\x02"
        + bson_cstring("$db")
        + struct.pack("<i", len(db))
        + db
    )
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("server closed the connection")
        chunks += chunk
    return bytes(chunks)


def ok_value(doc: bytes) -> float | None:
    """Return the top-level numeric ``ok`` field of a BSON document, if any."""
    pos, end = 4, struct.unpack_from("<i", doc)[0] - 1
    while pos < end:
        kind = doc[pos]
        name_end = doc.index(b"\x00", pos + 1)
        name = doc[pos + 1 : name_end].decode(errors="replace")
        pos = name_end + 1
        if name == "ok":
            if kind == 0x01:
                return float(struct.unpack_from("<d", doc, pos)[0])
            if kind == 0x10:
                return float(struct.unpack_from("<i", doc, pos)[0])
            if kind == 0x12:
                return float(struct.unpack_from("<q", doc, pos)[0])
            return None
        if kind in FIXED_SIZES:
            pos += FIXED_SIZES[kind]
        elif kind in (0x02, 0x0D, 0x0E):  # string, JS code, symbol
            pos += 4 + struct.unpack_from("<i", doc, pos)[0]
        elif kind in (0x03, 0x04):  # embedded document, array
            pos += struct.unpack_from("<i", doc, pos)[0]
        elif kind == 0x05:  # binary: length, subtype, bytes
            pos += 5 + struct.unpack_from("<i", doc, pos)[0]
        else:
            return None  # a type this probe does not need to understand
    return None


def ping(host: str, port: int, timeout: float) -> None:
    payload = struct.pack("<I", 0) + b"\x00" + ping_document()  # flags, section kind 0
    request = HEADER.pack(HEADER.size + len(payload), 1, 0, OP_MSG) + payload
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(request)
        length, _request_id, response_to, op_code = HEADER.unpack(read_exactly(sock, HEADER.size))
        body = read_exactly(sock, length - HEADER.size)
    if op_code != OP_MSG or response_to != 1:
        raise ValueError(f"unexpected reply (opCode {op_code}, responseTo {response_to})")
    if body[4] != 0:
        raise ValueError("reply does not start with a document section")
    ok = ok_value(body[5:])
    if ok != 1.0:
        raise ValueError(f"ping replied ok={ok!r}")


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print("usage: mongo_ping.py HOST PORT [TIMEOUT_SECONDS]", file=sys.stderr)
        return 2
    timeout = float(argv[3]) if len(argv) == 4 else 3.0
    try:
        ping(argv[1], int(argv[2]), timeout)
    except (OSError, ValueError, IndexError, struct.error) as exc:
        print(f"ping {argv[1]}:{argv[2]} failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
