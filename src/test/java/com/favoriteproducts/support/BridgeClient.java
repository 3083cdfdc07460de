package com.favoriteproducts.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;


/**
 * A TCP event-bus bridge client for tests (docs/bridge.md): 4-byte big-endian length + UTF-8 JSON per frame. Every
 * frame received is kept until a test takes it ({@link #await}, {@link #request}), so nothing is missed between two
 * calls; blocking helpers, for test threads only.
 */
public final class BridgeClient implements AutoCloseable {

  private final NetClient client;
  private final NetSocket socket;
  private final List<JsonObject> received = new ArrayList<>();
  private boolean closed;
  private boolean expectLength = true;

  private BridgeClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(buf -> {
      if (expectLength) {
        expectLength = false;
        parser.fixedSizeMode(buf.getInt(0));
      } else {
        expectLength = true;
        parser.fixedSizeMode(4);
        JsonObject frame = new JsonObject(buf);
        synchronized (this) {
          received.add(frame);
          notifyAll();
        }
      }
    });
    socket.handler(parser);
    socket.closeHandler(v -> {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
    });
  }

  public static BridgeClient connect(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
    return new BridgeClient(client, TestApp.await(client.connect(port, "127.0.0.1")));
  }

  /** Writes one frame. */
  public BridgeClient send(JsonObject frame) {
    return sendRaw(frame(frame.encode()));
  }

  /** Writes bytes as they are (hand-made frames: bad JSON, a lying length prefix). */
  public BridgeClient sendRaw(Buffer bytes) {
    TestApp.await(socket.write(bytes));
    return this;
  }

  /** A length prefix and the UTF-8 text. */
  public static Buffer frame(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(b.length).appendBytes(b);
  }

  /** {@code {"type": "send", address, body, headers: {authorization: Bearer token}, replyAddress}}. */
  public static JsonObject sendFrame(String address, Object body, String token, String replyAddress) {
    JsonObject f = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (token != null) {
      f.put("headers", new JsonObject().put("authorization", "Bearer " + token));
    }
    if (replyAddress != null) {
      f.put("replyAddress", replyAddress);
    }
    return f;
  }

  /** Sends a request and returns the frame (message or err) answering it: its {@code address} is the replyAddress. */
  public JsonObject request(String address, Object body, String token) {
    String reply = "test-reply-" + UUID.randomUUID();
    send(sendFrame(address, body, token, reply));
    return await(f -> reply.equals(f.getString("address")), 15_000);
  }

  /** Registers with a replyAddress and returns the acknowledgement (or the err frame). */
  public JsonObject register(String address, String token) {
    String reply = "test-reply-" + UUID.randomUUID();
    send(new JsonObject().put("type", "register").put("address", address).put("replyAddress", reply)
      .put("headers", new JsonObject().put("authorization", "Bearer " + token)));
    return await(f -> reply.equals(f.getString("address")), 15_000);
  }

  /** Takes the first frame received (or to come) that matches; fails after {@code timeoutMs}. */
  public synchronized JsonObject await(Predicate<JsonObject> match, long timeoutMs) {
    JsonObject f = poll(match, timeoutMs);
    if (f == null) {
      throw new AssertionError("no matching bridge frame within " + timeoutMs + " ms; received " + received
        + (closed ? " (socket closed)" : ""));
    }
    return f;
  }

  /** The next frame, whatever it is. */
  public JsonObject next(long timeoutMs) {
    return await(f -> true, timeoutMs);
  }

  /** Takes the first matching frame within {@code timeoutMs}, or null. */
  public synchronized JsonObject poll(Predicate<JsonObject> match, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      for (int i = 0; i < received.size(); i++) {
        if (match.test(received.get(i))) {
          return received.remove(i);
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0 || closed) {
        return null;
      }
      try {
        wait(Math.min(left, 100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** Frames received and not taken yet. */
  public synchronized List<JsonObject> pending() {
    return new ArrayList<>(received);
  }

  /** Waits until the server closed the socket; true when it did within {@code timeoutMs}. */
  public synchronized boolean awaitClosed(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!closed) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.min(left, 100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** The stable code of an err frame's message ({@code access_denied: ...} gives {@code access_denied}). */
  public static String code(JsonObject err) {
    String m = err.getString("message", "");
    int colon = m.indexOf(':');
    return colon < 0 ? m : m.substring(0, colon);
  }

  @Override
  public void close() {
    try {
      socket.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // already closed
    }
    client.close();
  }
}
