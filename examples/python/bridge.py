"""A small client of the favorite-products TCP event-bus bridge (docs/bridge.md), Python 3.11 standard library only.

Frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. One reader thread dispatches replies
(matched by replyAddress), events (to the handler of their address) and err frames.
"""
import json
import socket
import struct
import threading
import uuid


class BridgeError(Exception):
    """An err frame: `code` is the bridge's stable code (access_denied, ...) or the verticle's failureCode."""

    def __init__(self, frame):
        super().__init__(frame.get("message"))
        self.frame = frame
        self.failure_code = frame.get("failureCode")
        self.code = self.failure_code if self.failure_code is not None else str(frame.get("message", "")).split(":")[0]


def encode(frame):
    data = json.dumps(frame, separators=(",", ":")).encode("utf-8")
    return struct.pack(">I", len(data)) + data


class Bridge:
    def __init__(self, host="127.0.0.1", port=7000, ping_seconds=20.0, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(None)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pending = {}   # replyAddress -> [threading.Event, frame]
        self._handlers = {}  # address -> (on_event, on_error)
        self.on_error = lambda err: print(f"bridge error: {err}")
        self._closed = threading.Event()
        threading.Thread(target=self._read, name="bridge-reader", daemon=True).start()
        threading.Thread(target=self._ping, args=(ping_seconds,), name="bridge-ping", daemon=True).start()

    def _write(self, frame):
        data = encode(frame)
        with self._lock:
            self.sock.sendall(data)

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("bridge socket closed")
            buf += chunk
        return buf

    def _read(self):
        try:
            while True:
                (length,) = struct.unpack(">I", self._recv(4))
                self._dispatch(json.loads(self._recv(length).decode("utf-8")))
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            self._closed.set()
            for waiting in list(self._pending.values()):
                waiting[0].set()

    def _dispatch(self, frame):
        if frame.get("type") == "pong":
            return
        address = frame.get("address")
        waiting = self._pending.pop(address, None) if address is not None else None
        if waiting is not None:
            waiting[1] = frame
            waiting[0].set()
            return
        handler = self._handlers.get(address) if address is not None else None
        if handler is not None:
            if frame.get("type") == "err":
                # e.g. "unauthorized: token expired": the registration is gone; register again with a fresh token.
                self._handlers.pop(address, None)
                handler[1](BridgeError(frame))
            else:
                handler[0](frame.get("body"))
            return
        if frame.get("type") == "err":
            self.on_error(BridgeError(frame))

    def _ping(self, seconds):
        while not self._closed.wait(seconds):
            try:
                self._write({"type": "ping"})
            except OSError:
                return

    def _call(self, frame, timeout=None):
        reply_address = str(uuid.uuid4())
        waiting = [threading.Event(), None]
        self._pending[reply_address] = waiting
        self._write({**frame, "replyAddress": reply_address})
        if not waiting[0].wait(timeout or self.timeout) or waiting[1] is None:
            self._pending.pop(reply_address, None)
            raise TimeoutError(f"no reply to {frame['type']} {frame.get('address')}")
        if waiting[1].get("type") == "err":
            raise BridgeError(waiting[1])
        return waiting[1].get("body")

    def request(self, address, body, token, timeout=None):
        """Sends a request; returns the reply body or raises BridgeError."""
        return self._call({"type": "send", "address": address, "body": body,
                           "headers": {"authorization": f"Bearer {token}"}}, timeout)

    def register(self, address, token, on_event, on_error=None):
        """Registers on favorites.events.<customerId>; returns once events will be delivered (on the reader thread)."""
        self._handlers[address.lower()] = (on_event, on_error or self.on_error)
        try:
            return self._call({"type": "register", "address": address,
                               "headers": {"authorization": f"Bearer {token}"}})
        except Exception:
            self._handlers.pop(address.lower(), None)
            raise

    def unregister(self, address):
        self._handlers.pop(address.lower(), None)
        return self._call({"type": "unregister", "address": address})

    def close(self):
        self._closed.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
