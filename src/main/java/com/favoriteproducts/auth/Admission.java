package com.favoriteproducts.auth;

import com.favoriteproducts.config.RateLimitConfig;
import com.favoriteproducts.config.RateLimitConfig.Bucket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The per-request check in Redis, one round trip (EVALSHA of one Lua script, atomic): is the token revoked
 * ({@code fp:revoked:<jti>} exists), and may its principal spend tokens from its bucket ({@code fp:rl:<scope>:<sub>},
 * a hash of the tokens left and the time of the last refill, by Redis's clock so that nodes' clocks do not matter).
 *
 * <p>Checking revocation in Redis on every request is what makes a revocation hold on every instance of every node as
 * soon as the revoke call has answered (it answers after the key is written). The in-memory {@link Denylist} is the
 * fallback while this node cannot reach Redis.
 *
 * <p>One dedicated, pipelined connection per HTTP verticle instance, used only on its event loop. When Redis fails or
 * is slower than RATE_LIMIT_TIMEOUT_MS, requests pass ({@link Decision#UNCHECKED}: fail open) and Redis is left
 * alone for RATE_LIMIT_RETRY_MS; the outage is logged once (WARN) and its end once (INFO).
 */
public final class Admission {

  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
  static final String BUCKET_PREFIX = "fp:rl:";

  /**
   * KEYS[1] revocation key, KEYS[2] bucket key; ARGV[1] refill per second, ARGV[2] burst, ARGV[3] cost (0: no bucket).
   * Returns {revoked, allowed, tokens left, ms until the cost is available (0 when allowed), ms until full}.
   */
  static final String SCRIPT = """
    if redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0, 0, 0, 0} end
    local cost = tonumber(ARGV[3])
    if cost <= 0 then return {0, 1, 0, 0, 0} end
    local rate = tonumber(ARGV[1])
    local burst = tonumber(ARGV[2])
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local b = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
    local tokens = tonumber(b[1])
    local ts = tonumber(b[2])
    if tokens == nil or ts == nil then tokens = burst; ts = now end
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
    local allowed = 0
    local wait = 0
    if tokens >= cost then
      tokens = tokens - cost
      allowed = 1
    else
      wait = math.ceil((cost - tokens) * 1000 / rate)
    end
    redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', now)
    redis.call('PEXPIRE', KEYS[2], math.ceil(burst * 1000 / rate) + 1000)
    return {0, allowed, math.floor(tokens), wait, math.ceil((burst - tokens) * 1000 / rate)}
    """;
  static final String SHA = sha1(SCRIPT);

  /** What Redis said; {@code checked} false when it could not be asked (the request passes: fail open). */
  public record Decision(boolean checked, boolean revoked, boolean allowed, long remaining, long retryAfterMs,
                         long fullInMs) {
    public static final Decision UNCHECKED = new Decision(false, false, true, 0, 0, 0);
  }

  private final Redis client;
  private final RateLimitConfig config;
  private final String customerRate;
  private final String customerBurst;
  private final String adminRate;
  private final String adminBurst;
  private final String writeCost;
  private RedisConnection connection;
  private Future<RedisConnection> connecting;
  private long retryAt;
  private boolean down;
  private boolean closed;

  public Admission(Vertx vertx, RedisOptions options, RateLimitConfig config) {
    RedisOptions dedicated = new RedisOptions(options).setMaxPoolSize(1);
    dedicated.getNetClientOptions().setConnectTimeout((int) Math.max(config.timeoutMs(), 1000));
    this.client = Redis.createClient(vertx, dedicated);
    this.config = config;
    this.customerRate = config.customer().rate();
    this.customerBurst = Integer.toString(config.customer().burst());
    this.adminRate = config.admin().rate();
    this.adminBurst = Integer.toString(config.admin().burst());
    this.writeCost = Integer.toString(config.writeCost());
  }

  public RateLimitConfig config() {
    return config;
  }

  /** The bucket of a principal's scope. */
  public Bucket bucket(Principal p) {
    return p.isAdmin() ? config.admin() : config.customer();
  }

  /** Connects in the background; never fails (Redis may be down: requests then pass unchecked). */
  public Future<Void> start() {
    connection();
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    return client.close();
  }

  /** Checks the principal's token (revoked?) and, when rate limiting is on, takes the request's cost from its bucket. */
  public Future<Decision> check(Principal p, boolean write) {
    if (down && System.currentTimeMillis() < retryAt) {
      return Future.succeededFuture(Decision.UNCHECKED);
    }
    boolean admin = p.isAdmin();
    String cost = !config.enabled() ? "0" : write ? writeCost : "1";
    String revokedKey = Denylist.PREFIX + (p.jti() == null ? "" : p.jti());
    String bucketKey = BUCKET_PREFIX + (admin ? Principal.ADMIN : Principal.CUSTOMER) + ":" + p.subject();
    String rate = admin ? adminRate : customerRate;
    String burst = admin ? adminBurst : customerBurst;
    return connection()
      .compose(c -> c.send(evalsha(revokedKey, bucketKey, rate, burst, cost)).recover(err -> isNoScript(err)
        ? c.send(eval(revokedKey, bucketKey, rate, burst, cost)) : Future.failedFuture(err)))
      .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
      .map(r -> {
        recovered();
        return new Decision(true, r.get(0).toInteger() == 1, r.get(1).toInteger() == 1, r.get(2).toLong(), r.get(3).toLong(), r.get(4).toLong());
      })
      .otherwise(err -> {
        failed(err);
        return Decision.UNCHECKED;
      });
  }

  /** UP when Redis answers a PING on this instance's connection within {@code timeoutMs}, else DOWN. */
  public Future<String> status(long timeoutMs) {
    return connection().compose(c -> c.send(Request.cmd(Command.PING)))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .map(r -> "UP")
      .otherwise("DOWN");
  }

  private static Request evalsha(String k1, String k2, String rate, String burst, String cost) {
    return Request.cmd(Command.EVALSHA).arg(SHA).arg(2).arg(k1).arg(k2).arg(rate).arg(burst).arg(cost);
  }

  private static Request eval(String k1, String k2, String rate, String burst, String cost) {
    return Request.cmd(Command.EVAL).arg(SCRIPT).arg(2).arg(k1).arg(k2).arg(rate).arg(burst).arg(cost);
  }

  private static boolean isNoScript(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
  }

  private Future<RedisConnection> connection() {
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (connecting != null) {
      return connecting;
    }
    if (closed) {
      return Future.failedFuture("closed");
    }
    connecting = client.connect().onComplete(ar -> connecting = null).onSuccess(c -> {
      connection = c;
      c.exceptionHandler(err -> lost(c, err.getMessage()));
      c.endHandler(v -> lost(c, "connection closed"));
    });
    return connecting;
  }

  private void lost(RedisConnection c, String why) {
    if (connection == c) {
      connection = null;
      c.close();
      failed(new IllegalStateException(why));
    }
  }

  private void failed(Throwable err) {
    retryAt = System.currentTimeMillis() + config.retryMs();
    if (!down && !closed) {
      down = true;
      LOG.warn("rate limiting and the Redis revocation check are failing open (Redis: {}); requests pass, and"
        + " revocations known to this node stay enforced; retrying every {} ms", err.getMessage(), config.retryMs());
    }
  }

  private void recovered() {
    if (down) {
      down = false;
      LOG.info("rate limiting and the Redis revocation check are back (Redis answers)");
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
