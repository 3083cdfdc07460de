package com.favoriteproducts.webhook;

import com.favoriteproducts.Deadlines;
import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.config.WebhooksConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Delivers the outbox ({@code webhook_deliveries}). Claims due deliveries in one statement ({@code FOR UPDATE SKIP
 * LOCKED}, so any number of dispatchers on any number of nodes share the work without taking a delivery twice), which
 * counts the attempt and sets a lease (an attempt whose node dies is claimable again once the lease expires: at least
 * once). Only the oldest pending delivery of each (webhook, customer) is claimable: a receiver gets a customer's events
 * in order, and one that fails holds back that customer's later events for that webhook only. Each attempt resolves
 * the target's name, checks every address ({@link Targets#refusal}) and connects to the address it checked (the Host
 * header and TLS name are the URL's), posts the CloudEvent signed per Standard Webhooks, follows no redirect, and
 * records the outcome: 2xx delivered; anything else (a status, a refused target, a timeout, a connection failure)
 * scheduled after the next of WEBHOOKS_RETRY_DELAYS_MS, or failed after the last. Bounded: WEBHOOKS_MAX_IN_FLIGHT
 * attempts, at most WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK per webhook, so a slow receiver holds only its own slots.
 * Event-loop confined.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** A receiver's response body is read and dropped; past this many bytes the connection is reset. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  static final String METRIC = "webhooks.deliveries";

  private static final String CLAIM = "WITH heads AS (SELECT DISTINCT ON (webhook_id, customer_id) id, webhook_id,"
    + " next_attempt_at, lease_until FROM webhook_deliveries WHERE status = 'pending'"
    + " ORDER BY webhook_id, customer_id, seq),"
    + " ranked AS (SELECT h.id, h.next_attempt_at, row_number() OVER (PARTITION BY h.webhook_id"
    + " ORDER BY h.next_attempt_at) AS rn, $4::int - coalesce(b.n, 0) AS room FROM heads h"
    + " LEFT JOIN unnest($2::uuid[], $3::int[]) AS b(wid, n) ON b.wid = h.webhook_id"
    + " WHERE h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())),"
    + " due AS (SELECT d.id FROM webhook_deliveries d JOIN ranked r ON r.id = d.id WHERE r.rn <= r.room"
    + " AND d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())"
    + " ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED)"
    + " UPDATE webhook_deliveries d SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $5)"
    + " FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id"
    + " RETURNING d.id, d.webhook_id, d.event_id, d.event_type, d.customer_id, d.product_id, d.event_at, d.attempts,"
    + " w.url, w.secret, CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END";

  /** One claimed attempt. */
  record Claimed(UUID id, UUID webhookId, FavoriteEvent event, int attempt, String url, String secret,
                 String previousSecret) {

    /** Without the signing secrets nor the URL (which may itself be a capability, e.g. a chat hook URL). */
    @Override
    public String toString() {
      return "Claimed[" + id + ", webhook " + webhookId + ", attempt " + attempt + "]";
    }
  }

  /** What an attempt got: the HTTP status (0 when none) and, when it failed, why. */
  record Outcome(int status, String error) {

    boolean delivered() {
      return status >= 200 && status < 300 && error == null;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final WebhooksConfig cfg;
  private final HttpClientAgent client;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final Map<UUID, Integer> perWebhook = new HashMap<>();
  private int inFlight;
  private boolean claiming;
  private boolean again;
  /** The last claim filled the room it had: there may be more due, claim again when a slot frees. */
  private boolean saturated;
  private boolean stopped;
  private long lastClaimWarning;

  Dispatcher(Vertx vertx, Pool pool, WebhooksConfig cfg, HttpClientAgent client, AppMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    this.client = client;
    String help = "Webhook delivery attempts, by result (delivered; retried: failed and scheduled again; failed: the"
      + " last attempt failed)";
    this.delivered = metrics.counter(METRIC, help, "result", "delivered");
    this.retried = metrics.counter(METRIC, help, "result", "retried");
    this.failed = metrics.counter(METRIC, help, "result", "failed");
  }

  /** Claims and starts what is due, as room allows; a call while a claim runs makes it claim once more after. */
  void wake() {
    if (stopped) {
      return;
    }
    if (claiming) {
      again = true;
      return;
    }
    int room = cfg.maxInFlight() - inFlight;
    if (room <= 0) {
      saturated = true;
      return;
    }
    claiming = true;
    claim(room).onComplete(ar -> {
      claiming = false;
      if (ar.succeeded()) {
        saturated = ar.result().size() >= room;
        ar.result().forEach(this::attempt);
      } else if (System.currentTimeMillis() - lastClaimWarning > 10_000) {
        lastClaimWarning = System.currentTimeMillis();
        LOG.warn("webhook dispatcher could not claim deliveries: {}", ar.cause().toString());
      }
      if (again) {
        again = false;
        wake();
      }
    });
  }

  /** Stops claiming; attempts in progress finish (their leases cover a stop that does not wait for them). */
  void stop() {
    stopped = true;
  }

  int inFlight() {
    return inFlight;
  }

  private Future<List<Claimed>> claim(int room) {
    List<UUID> busy = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    perWebhook.forEach((id, n) -> {
      busy.add(id);
      counts.add(n);
    });
    return pool.preparedQuery(CLAIM).execute(Tuple.tuple().addInteger(room)
        .addArrayOfUUID(busy.toArray(new UUID[0])).addArrayOfInteger(counts.toArray(new Integer[0]))
        .addInteger(cfg.maxInFlightPerWebhook()).addDouble(cfg.leaseMs() / 1000.0))
      .map(rs -> {
        List<Claimed> out = new ArrayList<>(rs.size());
        for (Row r : rs) {
          FavoriteEvent.Kind kind = FavoriteEvent.Kind.ofEventName(r.getString(3));
          FavoriteEvent event = new FavoriteEvent(r.getUUID(2), kind, r.getUUID(4), r.getUUID(5),
            r.getOffsetDateTime(6).toInstant());
          out.add(new Claimed(r.getUUID(0), r.getUUID(1), event, r.getInteger(7), r.getString(8), r.getString(9),
            r.getString(10)));
        }
        return out;
      });
  }

  private void attempt(Claimed c) {
    inFlight++;
    perWebhook.merge(c.webhookId(), 1, Integer::sum);
    Future<Outcome> sent;
    try {
      sent = send(c);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.otherwise(err -> new Outcome(0, describe(err)))
      .compose(outcome -> record(c, outcome).map(outcome))
      .onComplete(ar -> {
        inFlight--;
        perWebhook.computeIfPresent(c.webhookId(), (k, n) -> n <= 1 ? null : n - 1);
        if (ar.failed()) {
          // The lease expires and another attempt follows: at least once.
          LOG.warn("webhook delivery {}: the outcome of attempt {} could not be recorded: {}", c.id(), c.attempt(),
            ar.cause().toString());
        }
        // Delivered: the customer's next event to this webhook is claimable now. Saturated: more may be due.
        if ((ar.succeeded() && ar.result().delivered()) || saturated) {
          wake();
        }
      });
  }

  /** One attempt: resolve, check, POST, read the status. */
  Future<Outcome> send(Claimed c) {
    Targets.Target target;
    try {
      target = Targets.parse(c.url());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new Outcome(0, "invalid target URL: " + e.getMessage()));
    }
    return resolve(vertx, target.host(), cfg.dnsTimeoutMs()).compose(addresses -> {
      InetAddress address = addresses[0];
      if (!cfg.allowPrivateTargets()) {
        for (InetAddress a : addresses) {
          String refusal = Targets.refusal(a);
          if (refusal != null) {
            return Future.succeededFuture(new Outcome(0, "target refused: " + target.host() + " resolves to "
              + a.getHostAddress() + ", " + refusal));
          }
        }
      }
      return post(c, target, address);
    });
  }

  /** Every address of the name (a literal address is its own); bounded by {@code timeoutMs}. */
  static Future<InetAddress[]> resolve(Vertx vertx, String host, long timeoutMs) {
    return Deadlines.within(vertx, vertx.executeBlocking(() -> InetAddress.getAllByName(host), false), timeoutMs);
  }

  private Future<Outcome> post(Claimed c, Targets.Target target, InetAddress address) {
    Buffer body = c.event().toCloudEvent().toBuffer();
    long timestamp = Instant.now().getEpochSecond();
    String id = c.id().toString();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
      .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
      .setHost(target.host()).setPort(target.port()).setSsl(target.ssl()).setURI(target.requestUri())
      .setFollowRedirects(false).setConnectTimeout(cfg.timeoutMs()).setIdleTimeout(cfg.timeoutMs())
      .putHeader("content-type", FavoriteEvent.CONTENT_TYPE)
      .putHeader("user-agent", "favorite-products-webhooks")
      .putHeader("webhook-id", id)
      .putHeader("webhook-timestamp", Long.toString(timestamp))
      .putHeader("webhook-signature", Signatures.header(c.secret(), c.previousSecret(), id, timestamp, body));
    HttpClientRequest[] request = new HttpClientRequest[1];
    Future<Outcome> exchange = client.request(options).compose(req -> {
      request[0] = req;
      return req.send(body).compose(resp -> {
        Promise<Outcome> done = Promise.promise();
        int status = resp.statusCode();
        long[] read = {0};
        resp.handler(chunk -> {
          read[0] += chunk.length();
          if (read[0] > MAX_RESPONSE_BYTES) {
            req.reset();
            done.tryComplete(outcome(status));
          }
        });
        resp.exceptionHandler(err -> done.tryComplete(outcome(status)));
        resp.endHandler(v -> done.tryComplete(outcome(status)));
        return done.future();
      });
    });
    return Deadlines.within(vertx, exchange, cfg.timeoutMs()).onFailure(err -> {
      if (request[0] != null) {
        request[0].reset(); // frees the connection of a receiver that does not answer in time
      }
    });
  }

  private static Outcome outcome(int status) {
    return status >= 200 && status < 300 ? new Outcome(status, null)
      : new Outcome(status, status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)"
      : "HTTP " + status);
  }

  private static String describe(Throwable err) {
    String msg = err instanceof Deadlines.Expired ? "no answer within the timeout"
      : err instanceof java.net.UnknownHostException ? "the host name does not resolve" : err.toString();
    return msg.length() > 500 ? msg.substring(0, 500) : msg;
  }

  /** Records an attempt's outcome, unless another attempt of the delivery started since (its lease expired). */
  private Future<Void> record(Claimed c, Outcome o) {
    String sql;
    Tuple args = Tuple.of(c.id(), c.attempt(), o.status() == 0 ? null : o.status(), o.error());
    if (o.delivered()) {
      delivered.increment();
      sql = "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), lease_until = NULL,"
        + " last_status = $3, last_error = $4 WHERE id = $1 AND attempts = $2";
    } else if (cfg.delayAfter(c.attempt()) < 0) {
      failed.increment();
      LOG.warn("webhook delivery {} (event {}) failed after {} attempts: {}", c.id(), c.event().id(), c.attempt(),
        o.error());
      sql = "UPDATE webhook_deliveries SET status = 'failed', failed_at = now(), lease_until = NULL,"
        + " last_status = $3, last_error = $4 WHERE id = $1 AND attempts = $2";
    } else {
      retried.increment();
      LOG.debug("webhook delivery {} attempt {} failed ({}); next in {} ms", c.id(), c.attempt(), o.error(),
        cfg.delayAfter(c.attempt()));
      sql = "UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $5), lease_until = NULL,"
        + " last_status = $3, last_error = $4 WHERE id = $1 AND attempts = $2";
      args.addDouble(cfg.delayAfter(c.attempt()) / 1000.0);
    }
    return pool.preparedQuery(sql).execute(args).mapEmpty();
  }
}
