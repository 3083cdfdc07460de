'use strict';
// A small client of the favorite-products TCP event-bus bridge (docs/bridge.md), Node 20 standard library only.
// Frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
const net = require('node:net');
const { randomUUID } = require('node:crypto');

/** An err frame: `code` is the bridge's stable code (access_denied, unauthorized...) or the verticle's failureCode. */
class BridgeError extends Error {
  constructor(frame) {
    super(frame.message);
    this.frame = frame;
    this.failureCode = frame.failureCode; // set when the called verticle failed (400, 404, 409, 503)
    this.code = frame.failureCode !== undefined ? frame.failureCode : String(frame.message || '').split(':')[0];
  }
}

function encode(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length, 0);
  return Buffer.concat([head, json]);
}

class Bridge {
  /** Connects; resolves with a Bridge. `pingMs` keeps the socket open (the bridge closes idle sockets). */
  static connect({ host = '127.0.0.1', port = 7000, pingMs = 20000, timeoutMs = 10000 } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new Bridge(socket, pingMs, timeoutMs)));
      socket.once('error', reject);
    });
  }

  constructor(socket, pingMs, timeoutMs) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.pending = new Map();   // replyAddress -> {resolve, reject, timer}
    this.handlers = new Map();  // registered address -> {onEvent, onError}
    this.onError = (err) => console.error('bridge error:', err.message); // err frames matching nothing
    this.onClose = () => {};
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => this.#read(chunk));
    socket.on('close', () => {
      clearInterval(this.pinger);
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('bridge socket closed'));
      }
      this.pending.clear();
      this.onClose();
    });
    socket.on('error', (e) => this.onError(e));
    this.pinger = setInterval(() => this.#write({ type: 'ping' }), pingMs);
    this.pinger.unref();
  }

  #write(frame) {
    this.socket.write(encode(frame));
  }

  #read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (this.buffer.length < 4 + length) return;
      const frame = JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(4 + length);
      this.#dispatch(frame);
    }
  }

  #dispatch(frame) {
    if (frame.type === 'pong') return;
    const waiting = frame.address !== undefined && this.pending.get(frame.address);
    if (waiting) {
      this.pending.delete(frame.address);
      clearTimeout(waiting.timer);
      if (frame.type === 'err') waiting.reject(new BridgeError(frame));
      else waiting.resolve(frame.body);
      return;
    }
    const handler = frame.address !== undefined && this.handlers.get(frame.address);
    if (handler) {
      if (frame.type === 'err') {
        // e.g. "unauthorized: token expired": the registration is gone; register again with a fresh token.
        this.handlers.delete(frame.address);
        handler.onError(new BridgeError(frame));
      } else {
        handler.onEvent(frame.body);
      }
      return;
    }
    if (frame.type === 'err') this.onError(new BridgeError(frame));
  }

  #call(frame, timeoutMs = this.timeoutMs) {
    const replyAddress = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new Error(`no reply to ${frame.type} ${frame.address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(replyAddress, { resolve, reject, timer });
      this.#write({ ...frame, replyAddress });
    });
  }

  /** Sends a request; resolves with the reply body, rejects with a BridgeError. */
  request(address, body, token, timeoutMs) {
    return this.#call({ type: 'send', address, body, headers: { authorization: `Bearer ${token}` } }, timeoutMs);
  }

  /** Registers on an address (favorites.events.<customerId>); resolves once events will be delivered. */
  register(address, token, onEvent, onError = (e) => this.onError(e)) {
    this.handlers.set(address.toLowerCase(), { onEvent, onError });
    return this.#call({ type: 'register', address, headers: { authorization: `Bearer ${token}` } })
      .catch((e) => { this.handlers.delete(address.toLowerCase()); throw e; });
  }

  unregister(address) {
    this.handlers.delete(address.toLowerCase());
    return this.#call({ type: 'unregister', address });
  }

  close() {
    clearInterval(this.pinger);
    this.socket.end();
  }
}

module.exports = { Bridge, BridgeError, encode };
