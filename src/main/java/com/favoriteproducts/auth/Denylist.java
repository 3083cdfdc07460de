package com.favoriteproducts.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Revoked token ids ({@code jti}), each kept in Redis until the token would have expired, and mirrored in memory,
 * one set per node shared by all its HTTP verticle instances (a Vert.x local map).
 *
 * <p>Every request is checked against Redis itself ({@link Admission}, in the same round trip as the rate limit): that
 * is what makes a revocation hold everywhere once the revoke call has answered. The in-memory set answers first (no
 * I/O for a token known to be revoked) and is what is enforced while this node cannot reach Redis.
 *
 * <p>A revocation is written to Redis ({@code fp:revoked:<jti>} = exp, with a TTL) and published on the channel
 * {@code fp:revocations}; every node subscribes and adds it to its in-memory set within milliseconds. On every
 * (re)connection of the subscriber, and every {@code RESYNC_MS}, the set is reloaded from Redis (SCAN), so a node
 * that missed messages catches up.
 *
 * <p>Redis being down does not take the API down: checks go on against the in-memory set (revocations known so far
 * stay enforced), and new revocations answer 503. The README says so.
 */
public final class Denylist {

  private static final Logger LOG = LoggerFactory.getLogger(Denylist.class);
  static final String PREFIX = "fp:revoked:";
  static final String CHANNEL = "fp:revocations";
  private static final long RESYNC_MS = 60_000;
  private static final long RECONNECT_MS = 2_000;

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI redis;
  private final Redis subscriberClient;
  static final String LOCAL_MAP = "fp.auth.revoked";
  private final Map<String, Long> revoked;
  private RedisConnection subscriber;
  private long timer = -1;
  private volatile boolean closed;

  /** Its own Redis clients: one for commands (also the edge's Redis health check), one for the subscription. */
  public Denylist(Vertx vertx, RedisOptions options) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, options);
    this.redis = RedisAPI.api(client);
    this.subscriberClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
    this.revoked = vertx.sharedData().getLocalMap(LOCAL_MAP);
  }

  /** Subscribes and loads the current set; never fails (Redis may be down: it retries in the background). */
  public Future<Void> start() {
    timer = vertx.setPeriodic(RESYNC_MS, id -> {
      purgeExpired();
      resync();
    });
    subscribe();
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    Future<Void> c = subscriber == null ? Future.succeededFuture() : subscriber.close();
    return c.eventually(subscriberClient::close).eventually(client::close);
  }

  /** Redis answers a PING within {@code timeoutMs} (readiness). */
  public Future<Void> ping(long timeoutMs) {
    return redis.ping(List.of()).timeout(timeoutMs, TimeUnit.MILLISECONDS).mapEmpty();
  }

  public Future<Void> revoke(String jti, long expEpochSeconds) {
    long ttl = Math.max(1, expEpochSeconds - nowSeconds());
    String exp = Long.toString(expEpochSeconds);
    return redis.set(List.of(PREFIX + jti, exp, "EX", Long.toString(ttl)))
      .compose(ok -> redis.publish(CHANNEL, jti + ":" + exp))
      .onSuccess(n -> revoked.put(jti, expEpochSeconds))
      .mapEmpty();
  }

  /** Adds a revocation learnt elsewhere (Redis said the token is revoked) to this node's set. */
  public void remember(String jti, long expEpochSeconds) {
    if (jti != null) {
      revoked.put(jti, expEpochSeconds);
    }
  }

  /** True when the token id was revoked (and the token has not expired anyway). No I/O. */
  public boolean isRevoked(String jti) {
    if (jti == null) {
      return false;
    }
    Long exp = revoked.get(jti);
    return exp != null && exp >= nowSeconds();
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    subscriberClient.connect().onSuccess(conn -> {
      subscriber = conn;
      conn.handler(this::onMessage);
      conn.exceptionHandler(err -> reconnect("subscriber failed: " + err.getMessage()));
      conn.endHandler(v -> reconnect("subscriber closed"));
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL))
        .onSuccess(r -> resync())
        .onFailure(err -> reconnect("cannot subscribe: " + err.getMessage()));
    }).onFailure(err -> reconnect("cannot connect: " + err.getMessage()));
  }

  private void reconnect(String why) {
    if (closed) {
      return;
    }
    LOG.warn("token revocations: {}; retrying in {} ms (known revocations stay enforced)", why, RECONNECT_MS);
    subscriber = null;
    vertx.setTimer(RECONNECT_MS, id -> subscribe());
  }

  private void onMessage(Response msg) {
    // ["message", channel, "jti:exp"]
    if (msg == null || msg.size() < 3 || !"message".equals(msg.get(0).toString())) {
      return;
    }
    String payload = msg.get(2).toString();
    int colon = payload.lastIndexOf(':');
    if (colon > 0) {
      try {
        revoked.put(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1)));
      } catch (NumberFormatException e) {
        LOG.warn("ignoring a malformed revocation message '{}'", payload);
      }
    }
  }

  /** Reloads every revocation from Redis (SCAN + MGET). */
  Future<Void> resync() {
    return scan("0", new ArrayList<>()).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return redis.mget(keys).map(values -> {
        for (int i = 0; i < keys.size(); i++) {
          Response v = values.get(i);
          if (v != null) {
            try {
              revoked.put(keys.get(i).substring(PREFIX.length()), Long.parseLong(v.toString()));
            } catch (NumberFormatException ignored) {
              // not one of ours
            }
          }
        }
        return (Void) null;
      });
    }).onFailure(err -> LOG.debug("revocation resync failed: {}", err.getMessage()));
  }

  private Future<List<String>> scan(String cursor, List<String> acc) {
    return redis.scan(List.of(cursor, "MATCH", PREFIX + "*", "COUNT", "1000")).compose(r -> {
      String next = r.get(0).toString();
      for (Response key : r.get(1)) {
        acc.add(key.toString());
      }
      return "0".equals(next) ? Future.succeededFuture(acc) : scan(next, acc);
    });
  }

  private void purgeExpired() {
    long now = nowSeconds();
    for (Map.Entry<String, Long> e : new ArrayList<>(revoked.entrySet())) {
      if (e.getValue() < now) {
        revoked.remove(e.getKey(), e.getValue());
      }
    }
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
