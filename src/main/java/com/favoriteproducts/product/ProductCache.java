package com.favoriteproducts.product;

import com.favoriteproducts.Deadlines;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.config.RedisSlots;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The Redis side of product lookups: one key per product, {@code fp:product:<id>}, holding the product JSON with its
 * {@code fetchedAt} (or a not-found marker). Whether an entry is still fresh is decided from {@code fetchedAt}; the
 * key itself lives as long as the last-known copy is useful (PRODUCTS_STALE_TTL_SECONDS), or briefly for a marker.
 * So one MGET answers both "fresh?" and "what did we last know?".
 *
 * <p>One dedicated (pipelining) connection per verticle instance. When Redis does not answer, every call fails fast
 * (callers treat that as a miss and skip writes), and a new connection is tried at most once per second.
 * Used from the verticle's event loop only.
 */
final class ProductCache {

  private static final Logger LOG = LoggerFactory.getLogger(ProductCache.class);
  static final String PREFIX = "fp:product:";
  private static final long RETRY_MS = 1000;

  /** Redis is not reachable (or was not, less than a second ago). */
  static final class CacheDownException extends RuntimeException {
    CacheDownException(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Redis client;
  private final long timeoutMs;
  private final boolean cluster;
  private RedisConnection conn;
  private Future<RedisConnection> connecting;
  private long retryAt;
  private boolean down;

  ProductCache(Vertx vertx, RedisConfig redis, long timeoutMs) {
    this.vertx = vertx;
    // The pool only hands out the one connection in use (and a replacement while an old one is being closed).
    RedisOptions options = redis.options().setMaxPoolSize(2).setMaxPoolWaiting(16);
    options.getNetClientOptions().setConnectTimeout((int) timeoutMs).setTcpNoDelay(true);
    this.client = Redis.createClient(vertx, options);
    this.timeoutMs = timeoutMs;
    this.cluster = redis.cluster();
  }

  static String key(String id) {
    return PREFIX + id;
  }

  /**
   * The stored entries for the ids, in order, null where absent: one MGET; in cluster mode one MGET per hash slot
   * among the keys (sent together, on the connections to the masters that hold them), answered in the ids' order.
   * Products spread over every master (no hash tag), so a page of n products costs about n single-key reads there.
   */
  Future<List<JsonObject>> getAll(List<String> ids) {
    if (!cluster || ids.size() < 2) {
      return mget(ids);
    }
    Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      bySlot.computeIfAbsent(RedisSlots.slot(key(ids.get(i))), s -> new ArrayList<>(2)).add(i);
    }
    if (bySlot.size() == 1) {
      return mget(ids);
    }
    List<List<Integer>> groups = new ArrayList<>(bySlot.values());
    List<Future<List<JsonObject>>> parts = new ArrayList<>(groups.size());
    for (List<Integer> group : groups) {
      List<String> part = new ArrayList<>(group.size());
      for (int i : group) {
        part.add(ids.get(i));
      }
      parts.add(mget(part));
    }
    return Future.all(parts).map(all -> {
      JsonObject[] out = new JsonObject[ids.size()];
      for (int g = 0; g < groups.size(); g++) {
        List<JsonObject> got = all.resultAt(g);
        List<Integer> group = groups.get(g);
        for (int j = 0; j < group.size(); j++) {
          out[group.get(j)] = got.get(j);
        }
      }
      return Arrays.asList(out);
    });
  }

  private Future<List<JsonObject>> mget(List<String> ids) {
    Request mget = Request.cmd(Command.MGET);
    for (String id : ids) {
      mget.arg(key(id));
    }
    return send(mget).map(res -> {
      List<JsonObject> out = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        Response r = res == null ? null : res.get(i);
        out.add(parse(r));
      }
      return out;
    });
  }

  private static JsonObject parse(Response r) {
    if (r == null) {
      return null;
    }
    try {
      return new JsonObject(r.toBuffer());
    } catch (RuntimeException e) {
      return null; // not ours, or damaged: a miss
    }
  }

  /**
   * Stores the entry with the TTL, without waiting for the answer: on the one connection, several puts in a row go
   * out pipelined. Skipped while Redis is down.
   */
  void put(String id, JsonObject stored, long ttlSeconds) {
    if (conn == null && down) {
      return;
    }
    send(Request.cmd(Command.SET).arg(key(id)).arg(stored.toBuffer()).arg("EX").arg(ttlSeconds))
      .onFailure(err -> LOG.debug("cache write of {} failed: {}", id, err.getMessage()));
  }

  /** UP when Redis answers a PING within the timeout. */
  Future<Boolean> ping() {
    return send(Request.cmd(Command.PING)).map(r -> true).otherwise(false);
  }

  private Future<Response> send(Request request) {
    return connection().compose(c -> Deadlines.within(vertx, c.send(request), timeoutMs)
      .onFailure(err -> {
        if (err instanceof TimeoutException) {
          drop(c, "a command took longer than " + timeoutMs + " ms");
        }
      }));
  }

  private Future<RedisConnection> connection() {
    if (conn != null) {
      return Future.succeededFuture(conn);
    }
    if (connecting != null) {
      return connecting;
    }
    long now = System.currentTimeMillis();
    if (now < retryAt) {
      return Future.failedFuture(new CacheDownException("Redis is down; next connection attempt in " + (retryAt - now) + " ms"));
    }
    // A connection that arrives after the deadline is closed, not leaked.
    Promise<RedisConnection> attempt = Promise.promise();
    long timer = vertx.setTimer(timeoutMs * 2, t -> attempt.tryFail(new CacheDownException("Redis connect timed out")));
    client.connect().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        attempt.tryFail(ar.cause());
      } else if (!attempt.tryComplete(ar.result())) {
        ar.result().close();
      }
    });
    connecting = attempt.future().andThen(ar -> {
      connecting = null;
      if (ar.succeeded()) {
        RedisConnection c = ar.result();
        conn = c;
        c.exceptionHandler(err -> drop(c, err.getMessage()));
        c.endHandler(v -> drop(c, "connection closed"));
        if (down) {
          LOG.info("Redis answers again: product cache back in use");
        }
        down = false;
      } else {
        retryAt = System.currentTimeMillis() + RETRY_MS;
        if (!down) {
          LOG.warn("Redis unreachable ({}): product lookups bypass the cache until it answers", ar.cause().getMessage());
        }
        down = true;
      }
    });
    return connecting;
  }

  private void drop(RedisConnection c, String why) {
    if (conn != c) {
      return;
    }
    conn = null;
    down = true;
    retryAt = System.currentTimeMillis() + RETRY_MS;
    LOG.warn("Redis connection lost ({}): product lookups bypass the cache until it answers", why);
    c.close();
  }

  Future<Void> close() {
    RedisConnection c = conn;
    conn = null;
    Future<Void> closing = c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
    return closing.eventually(client::close);
  }
}
