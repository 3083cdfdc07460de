package com.favoriteproducts.auth;

import com.favoriteproducts.Deadlines;
import com.favoriteproducts.config.RevocationConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Revoked token ids ({@code jti}), each kept in Redis until the token would have expired, and mirrored in memory,
 * one set per node shared by all its HTTP verticle instances (a Vert.x local map). Requests are checked against the
 * set only: no I/O per request.
 *
 * <p>A revocation is written to Redis in one script: {@code fp:revoked:<jti>} = exp (with a TTL), an entry in the
 * revocation log (the stream {@code fp:revocations:log}, trimmed to about REVOCATION_LOG_MAX_LENGTH entries), and a
 * message on the channel {@code fp:revocations}; the revoke call answers once the script has run, and the revoking
 * node adds it to its set at once. Every node subscribes to the channel and adds what it hears within milliseconds.
 * A message can be lost (a subscriber reconnecting, a slow consumer cut off by Redis): every HTTP instance also reads
 * the log entries after the last one it saw every REVOCATION_POLL_MS, so a node enforces every revocation at most
 * REVOCATION_POLL_MS (+ one Redis round trip) after it was made. On every (re)connection of the subscriber, when the
 * log lost entries an instance had not read yet (trimmed), and every {@code RESYNC_MS}, the set is reloaded from the keys
 * (SCAN) and the log followed from where it ends.
 *
 * <p>In cluster mode (REDIS_MODE=cluster) the keys share the hash tag {@code {revocations}} so that the script's keys
 * are in one slot: {@code fp:{revocations}:revoked:<jti>}, the log {@code fp:{revocations}:log}, and an index, the
 * sorted set {@code fp:{revocations}:index} of {@code <jti>:<exp>} scored by exp (expired members dropped by each
 * revocation), which the full load reads instead of a SCAN (a SCAN walks one node only). Revocations are few: one
 * master holding them all is no hot spot. The channel is the same: a PUBLISH reaches subscribers on every node of
 * a cluster, and the subscriber's SUBSCRIBE goes over a plain connection to one seed node, the next after a loss.
 *
 * <p>Redis being down does not take the API down: checks go on against the in-memory set (revocations known so far
 * stay enforced), and new revocations answer 503. The README says so.
 */
public final class Denylist {

  private static final Logger LOG = LoggerFactory.getLogger(Denylist.class);
  static final String PREFIX = "fp:revoked:";
  static final String CHANNEL = "fp:revocations";
  static final String LOG_KEY = "fp:revocations:log";
  static final String CLUSTER_PREFIX = "fp:{revocations}:revoked:";
  static final String CLUSTER_LOG_KEY = "fp:{revocations}:log";
  static final String CLUSTER_INDEX_KEY = "fp:{revocations}:index";
  private static final long RESYNC_MS = 60_000;
  private static final long RECONNECT_MS = 2_000;
  private static final int POLL_COUNT = 1000;

  /** KEYS[1] the key, KEYS[2] the log, KEYS[3] the index (cluster mode only); ARGV: exp, ttl seconds, log length, jti, channel. */
  static final String REVOKE = """
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    if KEYS[3] then
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. redis.call('TIME')[1])
      redis.call('ZADD', KEYS[3], ARGV[1], ARGV[4] .. ':' .. ARGV[1])
    end
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'jti', ARGV[4], 'exp', ARGV[1])
    return redis.call('PUBLISH', ARGV[5], ARGV[4] .. ':' .. ARGV[1])
    """;

  /**
   * KEYS[1] the log; ARGV[1] the last id read, ARGV[2] at most this many entries. Returns the number of entries ever
   * added to the log (XINFO's entries-added) and the entries after the last id read.
   */
  static final String POLL = """
    local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))
    local added = 0
    if redis.call('EXISTS', KEYS[1]) == 1 then
      local info = redis.call('XINFO', 'STREAM', KEYS[1])
      for i = 1, #info, 2 do
        if info[i] == 'entries-added' then added = info[i + 1] end
      end
    end
    return {added, entries}
    """;

  /** KEYS[1] the log. Returns the id of the last entry added and the number of entries ever added. */
  static final String END = """
    if redis.call('EXISTS', KEYS[1]) == 0 then return {'0-0', 0} end
    local info = redis.call('XINFO', 'STREAM', KEYS[1])
    local id = '0-0'
    local added = 0
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' then id = info[i + 1] elseif info[i] == 'entries-added' then added = info[i + 1] end
    end
    return {id, added}
    """;

  private final Vertx vertx;
  private final RevocationConfig config;
  private final Redis client;
  private final RedisAPI redis;
  private final RedisOptions subscriberOptions;
  /** Cluster mode: the seed nodes the subscriber connects to, one at a time, in turn (see {@link #reconnect}). */
  private final List<String> seeds;
  private int seed;
  /** Replaced on every reconnection in cluster mode (see {@link #reconnect}). */
  private Redis subscriberClient;
  static final String LOCAL_MAP = "fp.auth.revoked";
  private final Map<String, Long> revoked;
  private final boolean cluster;
  private final String prefix;
  private final String logKey;
  private RedisConnection subscriber;
  private long resyncTimer = -1;
  private long pollTimer = -1;
  /** The id of the last log entry this instance has applied; null until the first full load. */
  private String lastId;
  /** The log's entries-added count when {@link #lastId} was added: how a trimmed gap shows. */
  private long seenAdded;
  private boolean polling;
  private boolean syncing;
  private volatile boolean closed;

  /** Its own Redis clients: one for commands (also the edge's Redis health check), one for the subscription. */
  public Denylist(Vertx vertx, RedisOptions options, RevocationConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.client = Redis.createClient(vertx, options);
    this.redis = RedisAPI.api(client);
    this.cluster = options.getType() == RedisClientType.CLUSTER;
    // Cluster mode: the subscription is a plain connection to one node (any node: a PUBLISH reaches the subscribers of
    // every node of a Redis Cluster). Not the cluster client: its connect() opens a connection to every node of the
    // slot map and fails when any one of them is down, which after a failover kept the subscriber out for 30 s.
    this.seeds = cluster ? List.copyOf(options.getEndpoints()) : List.of();
    this.subscriberOptions = cluster ? standalone(options, seeds.get(0)) : new RedisOptions(options).setMaxPoolSize(1);
    this.subscriberClient = Redis.createClient(vertx, subscriberOptions);
    this.revoked = vertx.sharedData().getLocalMap(LOCAL_MAP);
    this.prefix = cluster ? CLUSTER_PREFIX : PREFIX;
    this.logKey = cluster ? CLUSTER_LOG_KEY : LOG_KEY;
  }

  /** Subscribes, loads the current set and follows the log; never fails (Redis may be down: it retries). */
  public Future<Void> start() {
    resyncTimer = vertx.setPeriodic(RESYNC_MS, id -> {
      purgeExpired();
      resync();
    });
    pollTimer = vertx.setPeriodic(config.pollMs(), id -> poll());
    subscribe();
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    for (long timer : new long[] {resyncTimer, pollTimer}) {
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
    }
    Future<Void> c = subscriber == null ? Future.succeededFuture() : subscriber.close();
    Redis sc = subscriberClient;
    return c.eventually(sc::close).eventually(client::close);
  }

  /** Redis answers a PING within {@code timeoutMs} (readiness). */
  public Future<Void> ping(long timeoutMs) {
    return Deadlines.within(vertx, redis.ping(List.of()), timeoutMs).mapEmpty();
  }

  /** Writes the revocation (key, log entry, announcement) in one script; this node enforces it once that ran. */
  public Future<Void> revoke(String jti, long expEpochSeconds) {
    long ttl = Math.max(1, expEpochSeconds - nowSeconds());
    String exp = Long.toString(expEpochSeconds);
    Request r = Request.cmd(Command.EVAL).arg(REVOKE).arg(cluster ? 3 : 2).arg(prefix + jti).arg(logKey);
    if (cluster) {
      r.arg(CLUSTER_INDEX_KEY);
    }
    return client.send(r.arg(exp).arg(ttl).arg(config.logMaxLength()).arg(jti).arg(CHANNEL))
      .onSuccess(n -> revoked.put(jti, expEpochSeconds))
      .mapEmpty();
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
      // Only the current subscriber's events count: closing a replaced one (or one node of a cluster connection
      // after another) must not start more reconnections.
      conn.exceptionHandler(err -> {
        if (subscriber == conn) {
          reconnect("subscriber failed: " + err.getMessage());
        }
      });
      conn.endHandler(v -> {
        if (subscriber == conn) {
          reconnect("subscriber closed");
        }
      });
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL))
        .onSuccess(r -> resync())
        .onFailure(err -> {
          if (subscriber == conn) {
            reconnect("cannot subscribe: " + err.getMessage());
          }
        });
    }).onFailure(err -> reconnect("cannot connect: " + err.getMessage()));
  }

  private void reconnect(String why) {
    if (closed) {
      return;
    }
    LOG.warn("token revocations: {}; retrying in {} ms (known revocations stay enforced)", why, RECONNECT_MS);
    RedisConnection old = subscriber;
    subscriber = null;
    if (old != null) {
      old.close(); // in cluster mode its connections to the nodes still alive are subscribed: let them go
    }
    if (cluster) {
      // The next attempt goes to the next seed: a node that is down is left at once.
      seed = (seed + 1) % seeds.size();
      Redis stale = subscriberClient;
      subscriberClient = Redis.createClient(vertx, standalone(subscriberOptions, seeds.get(seed)));
      stale.close();
    }
    vertx.setTimer(RECONNECT_MS, id -> subscribe());
  }

  /** A standalone client of one node, with the options of {@code base}. */
  private static RedisOptions standalone(RedisOptions base, String endpoint) {
    // A list of its own: RedisOptions' copy constructor shares the endpoints list with the original.
    return new RedisOptions(base).setType(RedisClientType.STANDALONE).setMaxPoolSize(1)
      .setEndpoints(new ArrayList<>(List.of(endpoint)));
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

  /** Applies the log entries after the last one applied; a full load first if there is none yet or a gap. */
  void poll() {
    if (closed || polling || syncing) {
      return;
    }
    if (lastId == null) {
      resync();
      return;
    }
    polling = true;
    String from = lastId;
    client.send(Request.cmd(Command.EVAL).arg(POLL).arg(1).arg(logKey).arg(from).arg(POLL_COUNT))
      .onComplete(ar -> polling = false)
      .onSuccess(r -> {
        long added = r.get(0).toLong();
        Response entries = r.get(1);
        int n = entries.size();
        long after = added - seenAdded; // entries added since the last one applied
        if (after < n || (n < POLL_COUNT && after > n)) {
          // Entries after the last one applied were trimmed away (or the log was made anew): follow from its end.
          LOG.info("the revocation log lost entries this instance had not read (after {}: {} added, {} left):"
            + " reloading every revocation", from, after, n);
          resync();
          return;
        }
        for (Response entry : entries) {
          apply(entry.get(1));
          lastId = entry.get(0).toString();
        }
        seenAdded += n;
        if (n == POLL_COUNT) {
          vertx.runOnContext(v -> poll());
        }
      })
      .onFailure(err -> LOG.debug("revocation log poll failed: {}", err.getMessage()));
  }

  /** One log entry's fields: {@code jti <id> exp <epoch seconds>}. */
  private void apply(Response fields) {
    String jti = null;
    String exp = null;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String name = fields.get(i).toString();
      if (name.equals("jti")) {
        jti = fields.get(i + 1).toString();
      } else if (name.equals("exp")) {
        exp = fields.get(i + 1).toString();
      }
    }
    if (jti != null && exp != null) {
      try {
        revoked.put(jti, Long.parseLong(exp));
      } catch (NumberFormatException e) {
        LOG.warn("ignoring a malformed revocation log entry for '{}'", jti);
      }
    }
  }

  /**
   * Reloads every revocation from the keys (SCAN + MGET), having first read where the log ends: the log is then
   * followed from there, so a revocation made during the scan is in one or the other.
   */
  Future<Void> resync() {
    if (syncing || closed) {
      return Future.succeededFuture();
    }
    syncing = true;
    return client.send(Request.cmd(Command.EVAL).arg(END).arg(1).arg(logKey))
      .compose(end -> load().map(end))
      .onSuccess(end -> {
        lastId = end.get(0).toString();
        seenAdded = end.get(1).toLong();
      })
      .onComplete(ar -> syncing = false)
      .onFailure(err -> LOG.debug("revocation resync failed: {}", err.getMessage()))
      .mapEmpty();
  }

  private Future<Void> load() {
    if (cluster) {
      return client.send(Request.cmd(Command.ZRANGEBYSCORE).arg(CLUSTER_INDEX_KEY).arg(nowSeconds()).arg("+inf"))
        .map(members -> {
          for (Response m : members) {
            String member = m.toString();
            int colon = member.lastIndexOf(':');
            try {
              revoked.put(member.substring(0, colon), Long.parseLong(member.substring(colon + 1)));
            } catch (RuntimeException ignored) {
              // not one of ours
            }
          }
          return (Void) null;
        });
    }
    return scan("0", new ArrayList<>()).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return redis.mget(keys).map(values -> {
        for (int i = 0; i < keys.size(); i++) {
          Response v = values.get(i);
          if (v != null) {
            try {
              revoked.put(keys.get(i).substring(prefix.length()), Long.parseLong(v.toString()));
            } catch (NumberFormatException ignored) {
              // not one of ours
            }
          }
        }
        return (Void) null;
      });
    });
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
