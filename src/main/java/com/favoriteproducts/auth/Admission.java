package com.favoriteproducts.auth;

import com.favoriteproducts.Deadlines;
import com.favoriteproducts.config.RateLimitConfig;
import com.favoriteproducts.config.RateLimitConfig.Bucket;
import com.favoriteproducts.config.RedisSlots;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rate limiting per principal with token buckets in Redis ({@code fp:rl:<scope>:<sub>}, a hash of the tokens left and
 * the time of the last refill, by Redis's clock so that nodes' clocks do not matter), spent from local leases.
 *
 * <p>A request spends its cost from its principal's lease on this HTTP instance, with no I/O. When the lease cannot
 * pay, one Redis call takes a new one: the script refills the bucket, grants {@code min(want, floor(tokens))} tokens
 * (nothing when the bucket cannot pay the cost of the first waiting request, so a 429 takes nothing), debits them and
 * answers what it granted and what the bucket has left. Tokens are debited before they are spent, so the cluster-wide
 * limit (burst + rate x time) is never exceeded; what leases cost is under-admission, at most the unspent leases other
 * instances hold (each at most the bucket's lease, for at most RATE_LIMIT_LEASE_MS, after which the unspent tokens go
 * back to the bucket: with the principal's next lease call, or by the sweep, best effort).
 *
 * <p>Requests of a principal that arrive while its lease call is in flight wait for it (one call per principal at a
 * time, at most {@link #MAX_WAITING} waiting; more get 429). The lease calls of every principal that needs one in the
 * same event-loop turn go to Redis as one EVALSHA (the script loops over its keys); {@code ratelimit_lease_batch}
 * shows the sizes. In cluster mode (REDIS_MODE=cluster) a script may only touch keys of one hash slot: the batch is
 * split by the slot of each bucket's key and each part goes as its own EVALSHA (sent together, each to the master of
 * its slot); buckets are not hash-tagged together, so principals spread over every master and a batch of distinct
 * principals is then mostly one call per bucket.
 *
 * <p>Everything here is confined to the event loop of the HTTP verticle instance that created it (no locks): a lease
 * per principal per instance. One dedicated, pipelined connection per instance. When Redis fails or is slower than
 * RATE_LIMIT_TIMEOUT_MS, requests that need a lease pass ({@link Decision#UNCHECKED}: fail open) and Redis is left
 * alone for RATE_LIMIT_RETRY_MS; the outage is logged once (WARN) and its end once (INFO).
 */
public final class Admission {

  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
  static final String BUCKET_PREFIX = "fp:rl:";
  /** Requests of one principal waiting for its lease call on one instance; more are refused (429). */
  static final int MAX_WAITING = 1024;
  /** Buckets per EVALSHA: a batch holds Redis for a few microseconds per bucket. */
  static final int MAX_BATCH = 256;

  /**
   * Per key (KEYS[i]) five arguments from ARGV[5 * (i - 1) + 1]: refill per second, burst, want (0: only give back),
   * need (the least worth granting), give back (unspent tokens of an expired lease, added before the grant).
   * Returns two values per key: tokens granted, tokens left in the bucket in thousandths.
   */
  static final String SCRIPT = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local out = {}
    for i, key in ipairs(KEYS) do
      local a = (i - 1) * 5
      local rate = tonumber(ARGV[a + 1])
      local burst = tonumber(ARGV[a + 2])
      local want = tonumber(ARGV[a + 3])
      local need = tonumber(ARGV[a + 4])
      local back = tonumber(ARGV[a + 5])
      local b = redis.call('HMGET', key, 'tokens', 'ts')
      local tokens = tonumber(b[1])
      local ts = tonumber(b[2])
      if tokens == nil or ts == nil then tokens = burst; ts = now end
      tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000 + back)
      local granted = 0
      if want > 0 and tokens >= need then
        granted = math.min(want, math.floor(tokens))
        tokens = tokens - granted
      end
      redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
      redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
      out[2 * i - 1] = granted
      out[2 * i] = math.floor(tokens * 1000)
    end
    return out
    """;
  static final String SHA = sha1(SCRIPT);

  /** The outcome; {@code checked} false when Redis could not be asked (the request passes: fail open). */
  public record Decision(boolean checked, boolean allowed, long remaining, long retryAfterMs, long fullInMs) {
    public static final Decision UNCHECKED = new Decision(false, true, 0, 0, 0);
  }

  /** A principal's lease on this instance. */
  private static final class Lease {
    final Bucket bucket;
    final String key;
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);
    long tokens;          // leased, not spent
    double bucketLeft;    // what the bucket held after the last lease call
    long at;              // when that call answered
    long expiresAt;
    boolean inFlight;
    long want;            // of the call in flight

    Lease(String subject, boolean admin, Bucket bucket) {
      this.bucket = bucket;
      this.key = BUCKET_PREFIX + (admin ? Principal.ADMIN : Principal.CUSTOMER) + ":" + subject;
    }
  }

  private record Waiter(int cost, Promise<Decision> promise) {
  }

  /** One key of a batch: a lease call ({@code lease} set) or a give-back of an expired lease (null). */
  private record Entry(Lease lease, Bucket bucket, String key, long want, long need, long back) {
  }

  private final Context context;
  private final Redis client;
  private final RateLimitConfig config;
  private final boolean cluster;
  private final DistributionSummary batchSizes;
  private final Map<String, Lease> customers = new HashMap<>();
  private final Map<String, Lease> admins = new HashMap<>(2);
  private List<Entry> pending = new ArrayList<>();
  private boolean flushScheduled;
  private long sweepTimer = -1;
  private RedisConnection connection;
  private Future<RedisConnection> connecting;
  private long retryAt;
  private boolean down;
  private boolean closed;

  /** Create it in the HTTP verticle's {@code start()}: it is bound to that verticle's event loop. */
  public Admission(Vertx vertx, RedisOptions options, RateLimitConfig config, AppMetrics metrics) {
    // In cluster mode the client reloads the slot map (every second, and on a MOVED) over a pooled connection to a
    // seed: a pool of 1 held by our connection would leave that reload waiting for ever.
    RedisOptions dedicated = new RedisOptions(options)
      .setMaxPoolSize(options.getType() == RedisClientType.CLUSTER ? 2 : 1);
    dedicated.getNetClientOptions().setConnectTimeout((int) Math.max(config.timeoutMs(), 1000));
    this.context = vertx.getOrCreateContext();
    this.client = Redis.createClient(vertx, dedicated);
    this.config = config;
    this.cluster = options.getType() == RedisClientType.CLUSTER;
    this.batchSizes = metrics.summary("ratelimit.lease.batch", "Buckets per Redis call of the rate limiter (its"
      + " count is the number of calls): lease calls of the principals that needed one in the same event-loop turn,"
      + " and give-backs of expired leases", new double[] {1, 2, 4, 8, 16, 32, 64, 128, 256});
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
    if (config.enabled()) {
      connection();
      sweepTimer = context.owner().setPeriodic(config.leaseMs(), id -> sweep());
    }
    return Future.succeededFuture();
  }

  /** Gives the unspent tokens back (best effort, bounded by the timeout) and closes the connection. */
  public Future<Void> close() {
    if (sweepTimer != -1) {
      context.owner().cancelTimer(sweepTimer);
    }
    List<Entry> back = new ArrayList<>();
    for (Map<String, Lease> leases : List.of(customers, admins)) {
      for (Lease l : leases.values()) {
        if (!l.inFlight && l.tokens > 0) {
          back.add(new Entry(null, l.bucket, l.key, 0, 0, l.tokens));
          l.tokens = 0;
        }
      }
    }
    List<Future<?>> sent = new ArrayList<>();
    for (List<Entry> part : bySlot(back)) {
      for (int from = 0; connection != null && from < part.size(); from += MAX_BATCH) {
        sent.add(send(part.subList(from, Math.min(part.size(), from + MAX_BATCH))));
      }
    }
    return Future.join(sent).<Void>mapEmpty().otherwiseEmpty().eventually(() -> {
      closed = true;
      return client.close();
    });
  }

  /** Takes the request's cost from the principal's lease, or from its bucket through a new lease. */
  public Future<Decision> check(Principal p, boolean write) {
    int cost = write ? config.writeCost() : 1;
    boolean admin = p.isAdmin();
    String subject = p.subject() == null ? "" : p.subject();
    Map<String, Lease> leases = admin ? admins : customers;
    Lease l = leases.get(subject);
    long now = System.currentTimeMillis();
    if (l != null && !l.inFlight && l.tokens >= cost && now < l.expiresAt) {
      l.tokens -= cost;
      return Future.succeededFuture(allowed(l, now));
    }
    if (down && now < retryAt) {
      return Future.succeededFuture(Decision.UNCHECKED);
    }
    if (l == null) {
      l = new Lease(subject, admin, admin ? config.admin() : config.customer());
      leases.put(subject, l);
    }
    if (l.waiters.size() >= MAX_WAITING) {
      return Future.succeededFuture(refused(l, cost, now));
    }
    Promise<Decision> promise = Promise.promise();
    l.waiters.add(new Waiter(cost, promise));
    if (!l.inFlight) {
      lease(l, now);
    }
    return promise.future();
  }

  /** UP when Redis answers a PING on this instance's connection within {@code timeoutMs}, else DOWN. */
  public Future<String> status(long timeoutMs) {
    return Deadlines.within(context.owner(), connection().compose(c -> c.send(Request.cmd(Command.PING))), timeoutMs)
      .map(r -> "UP")
      .otherwise("DOWN");
  }

  /** Queues a lease call for the waiters of {@code l}: enough for all of them, and at least the bucket's lease. */
  private void lease(Lease l, long now) {
    long back = 0;
    if (now >= l.expiresAt && l.tokens > 0) {
      back = l.tokens; // expired: given back in the same call that takes the next lease
      l.tokens = 0;
    }
    long waiting = 0;
    for (Waiter w : l.waiters) {
      waiting += w.cost();
    }
    long need = Math.max(1, l.waiters.peek().cost() - l.tokens);
    long want = Math.max(need, Math.max(l.bucket.lease(), waiting) - l.tokens);
    l.inFlight = true;
    l.want = want;
    enqueue(new Entry(l, l.bucket, l.key, want, need, back));
  }

  private void enqueue(Entry e) {
    pending.add(e);
    if (!flushScheduled) {
      flushScheduled = true;
      // Runs once the event loop has handled what it read in this turn: every principal that needed a lease by then
      // shares one round trip.
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    List<Entry> all = pending;
    pending = new ArrayList<>();
    for (List<Entry> batch : bySlot(all)) {
      flush(batch);
    }
  }

  /** The batch as it is in standalone mode; in cluster mode, one part per hash slot of the keys. */
  private List<List<Entry>> bySlot(List<Entry> batch) {
    if (!cluster || batch.size() < 2) {
      return List.of(batch);
    }
    Map<Integer, List<Entry>> parts = new LinkedHashMap<>();
    for (Entry e : batch) {
      parts.computeIfAbsent(RedisSlots.slot(e.key()), s -> new ArrayList<>(2)).add(e);
    }
    return new ArrayList<>(parts.values());
  }

  private void flush(List<Entry> batch) {
    for (int from = 0; from < batch.size(); from += MAX_BATCH) {
      List<Entry> part = batch.subList(from, Math.min(batch.size(), from + MAX_BATCH));
      send(part).onComplete(ar -> {
        if (ar.succeeded()) {
          recovered();
          answered(part, ar.result());
        } else {
          failed(ar.cause());
          unanswered(part);
        }
      });
    }
  }

  private Future<Response> send(List<Entry> batch) {
    batchSizes.record(batch.size());
    return Deadlines.within(context.owner(), connection()
      .compose(c -> c.send(script(Command.EVALSHA, SHA, batch)).recover(err -> isNoScript(err)
        ? c.send(script(Command.EVAL, SCRIPT, batch)) : Future.failedFuture(err))), config.timeoutMs());
  }

  private static Request script(Command command, String script, List<Entry> batch) {
    Request r = Request.cmd(command).arg(script).arg(batch.size());
    for (Entry e : batch) {
      r.arg(e.key());
    }
    for (Entry e : batch) {
      r.arg(e.bucket().rate()).arg(e.bucket().burst()).arg(e.want()).arg(e.need()).arg(e.back());
    }
    return r;
  }

  private void answered(List<Entry> batch, Response r) {
    long now = System.currentTimeMillis();
    for (int i = 0; i < batch.size(); i++) {
      Lease l = batch.get(i).lease();
      if (l == null) {
        continue;
      }
      long granted = r.get(2 * i).toLong();
      l.inFlight = false;
      l.tokens += granted;
      l.bucketLeft = r.get(2 * i + 1).toLong() / 1000.0;
      l.at = now;
      if (granted > 0) {
        l.expiresAt = now + config.leaseMs();
      }
      serve(l, granted < l.want, now);
    }
  }

  /** Serves the waiters the lease can pay, in order; refuses those the bucket cannot; asks again for the rest. */
  private void serve(Lease l, boolean dry, long now) {
    while (!l.waiters.isEmpty()) {
      Waiter w = l.waiters.peek();
      if (w.cost() <= l.tokens) {
        l.waiters.poll();
        l.tokens -= w.cost();
        w.promise().complete(allowed(l, now));
      } else if (dry && w.cost() > l.tokens + (long) Math.floor(l.bucketLeft)) {
        l.waiters.poll();
        w.promise().complete(refused(l, w.cost(), now));
      } else {
        lease(l, now); // more waited than the lease paid for (they came while it was in flight)
        return;
      }
    }
  }

  private void unanswered(List<Entry> batch) {
    for (Entry e : batch) {
      Lease l = e.lease();
      if (l == null) {
        continue;
      }
      l.inFlight = false;
      while (!l.waiters.isEmpty()) {
        l.waiters.poll().promise().complete(Decision.UNCHECKED);
      }
    }
  }

  /** Gives back the unspent tokens of expired leases (one batched call) and forgets idle principals. */
  private void sweep() {
    long now = System.currentTimeMillis();
    for (Map<String, Lease> leases : List.of(customers, admins)) {
      for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
        Lease l = it.next();
        if (!l.inFlight && l.waiters.isEmpty() && now >= l.expiresAt) {
          it.remove();
          if (l.tokens > 0 && !(down && now < retryAt)) {
            enqueue(new Entry(null, l.bucket, l.key, 0, 0, l.tokens));
          }
          l.tokens = 0;
        }
      }
    }
  }

  /** What the principal may still spend: the bucket's tokens at the last lease plus what is left of the lease. */
  private static Decision allowed(Lease l, long now) {
    double left = l.bucketLeft + l.tokens;
    long fullIn = (long) Math.ceil((l.bucket.burst() - left) * 1000 / l.bucket.perSecond()) - (now - l.at);
    return new Decision(true, true, l.tokens + (long) Math.floor(l.bucketLeft), 0, Math.max(0, fullIn));
  }

  private static Decision refused(Lease l, int cost, long now) {
    double left = l.bucketLeft + l.tokens;
    long wait = (long) Math.ceil((cost - left) * 1000 / l.bucket.perSecond()) - (now - l.at);
    return new Decision(true, false, 0, Math.max(1, wait), 0);
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
      LOG.warn("rate limiting is failing open (Redis: {}); requests without a lease pass unchecked; retrying every"
        + " {} ms", err.getMessage(), config.retryMs());
    }
  }

  private void recovered() {
    if (down) {
      down = false;
      LOG.info("rate limiting is back (Redis answers)");
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
