package com.favoriteproducts.webhook;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.BusHandlers;
import com.favoriteproducts.bus.Cursor;
import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.bus.FieldError;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.config.WebhooksConfig;
import com.favoriteproducts.customer.Text;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Webhooks (VERTICLES=webhooks): the {@code webhooks.*} admin addresses behind {@code /v1/admin/webhooks}, the
 * {@link Dispatcher} that delivers the outbox (woken every WEBHOOKS_POLL_MS and by {@code webhooks.wake} after a
 * commit that wrote deliveries) and the deliveries' {@link DeliveryRetention}. Its own PostgreSQL pool and HTTP client:
 * adds and removes never wait for a delivery, and receivers never wait for the API.
 */
public class WebhooksVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhooksVerticle.class);
  static final int DEFAULT_DELIVERIES_LIMIT = 50;
  static final int MAX_DELIVERIES_LIMIT = 500;
  static final int MAX_DESCRIPTION = 500;
  static final int MAX_URL = 2048;
  static final List<String> STATUSES = List.of("pending", "delivered", "failed");

  private Pool pool;
  private HttpClientAgent client;
  private WebhooksConfig cfg;
  private WebhookRepository repo;
  private Dispatcher dispatcher;
  private BusHandlers handlers;
  private MessageConsumer<Object> wake;
  private long pollTimer = -1;
  private long retentionTimer = -1;

  @Override
  public Future<?> start() {
    try {
      cfg = WebhooksConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    PgConfig pg = PgConfig.from(config());
    pool = PgBuilder.pool().with(pg.poolOptions("webhooks-" + UUID.randomUUID()))
      .connectingTo(pg.poolConnectOptions()).using(vertx).build();
    int timeout = (int) Math.min(Integer.MAX_VALUE, cfg.timeoutMs());
    // One pool per target address; connections kept alive between deliveries to the same receiver.
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeout).setKeepAlive(true)
        .setKeepAliveTimeout(30).setVerifyHost(true).setForceSni(true).setMaxRedirects(0).setName("webhooks"),
      new PoolOptions().setHttp1MaxSize(cfg.maxInFlightPerWebhook()).setMaxWaitQueueSize(cfg.maxInFlight()));
    repo = new WebhookRepository(pool);
    dispatcher = new Dispatcher(vertx, pool, cfg, client, AppMetrics.from(config()));
    DeliveryRetention retention = new DeliveryRetention(vertx, pool, cfg);
    handlers = new BusHandlers(vertx, LOG, err -> new BusFailure(BusFailure.UNAVAILABLE,
      "webhook storage is unavailable"))
      .on(Addresses.WEBHOOKS_CREATE, this::create)
      .on(Addresses.WEBHOOKS_LIST, m -> repo.list(cfg.maxWebhooks())
        .map(items -> new JsonObject().put("items", new JsonArray(new ArrayList<>(items)))))
      .on(Addresses.WEBHOOKS_GET, m -> found(repo.get(Fields.uuid(m, "id")), m))
      .on(Addresses.WEBHOOKS_DELETE, m -> {
        UUID id = Fields.uuid(m, "id");
        return repo.delete(id).compose(deleted -> deleted
          ? Future.succeededFuture(new JsonObject().put("id", id.toString()).put("deleted", true))
          : notFound(id));
      })
      .on(Addresses.WEBHOOKS_ROTATE, m -> {
        String secret = Signatures.newSecret();
        return found(repo.rotate(Fields.uuid(m, "id"), secret, cfg.rotationGraceSeconds()), m)
          .map(w -> w.put("secret", secret));
      })
      .on(Addresses.WEBHOOKS_DELIVERIES, this::deliveries);
    wake = vertx.eventBus().consumer(Addresses.WEBHOOKS_WAKE, m -> dispatcher.wake());
    return Future.all(handlers.ready(), wake.completion()).onSuccess(v -> {
      pollTimer = vertx.setPeriodic(cfg.pollMs(), t -> dispatcher.wake());
      retentionTimer = vertx.setPeriodic(cfg.retentionIntervalMs(), t -> retention.run());
      dispatcher.wake();
      LOG.info("webhooks: {} attempts over about {} min, {} in flight ({} per webhook), private targets {}",
        cfg.maxAttempts(), cfg.retryWindowMs() / 60_000, cfg.maxInFlight(), cfg.maxInFlightPerWebhook(),
        cfg.allowPrivateTargets() ? "ALLOWED" : "refused");
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(retentionTimer);
    if (dispatcher != null) {
      dispatcher.stop();
    }
    Future<?> unwake = wake == null ? Future.succeededFuture() : wake.unregister();
    return unwake.eventually(() -> handlers.drain(ShutdownConfig.from(config()).drainMs()))
      .eventually(() -> client == null ? Future.succeededFuture() : client.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /**
   * {@code {url, events, description?}}: checked (the contract checks shapes; here the URL rules, known and distinct
   * events, the description's text), then stored with a new secret, shown in this reply only.
   */
  private Future<JsonObject> create(Message<JsonObject> msg) {
    JsonObject body = Fields.body(msg);
    List<FieldError> errors = new ArrayList<>();
    Object rawUrl = body.getValue("url");
    String url = rawUrl instanceof String s ? s.trim() : null;
    Targets.Target target = null;
    if (url == null || url.isEmpty() || url.length() > MAX_URL) {
      errors.add(new FieldError("/url", "must be an http or https URL of at most " + MAX_URL + " characters"));
    } else {
      try {
        target = Targets.parse(url);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("/url", e.getMessage()));
      }
    }
    List<String> events = new ArrayList<>();
    Object rawEvents = body.getValue("events");
    if (!(rawEvents instanceof JsonArray arr) || arr.isEmpty()) {
      errors.add(new FieldError("/events", "must name at least one event: favorite.added, favorite.removed"));
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < arr.size(); i++) {
        Object e = arr.getValue(i);
        if (!(e instanceof String name) || FavoriteEvent.Kind.ofEventName(name) == null) {
          errors.add(new FieldError("/events/" + i, "must be favorite.added or favorite.removed"));
        } else if (!seen.add(name)) {
          errors.add(new FieldError("/events/" + i, "names " + name + " twice"));
        }
      }
      events.addAll(seen);
    }
    String description = null;
    Object rawDescription = body.getValue("description");
    if (rawDescription != null) {
      Text.Result d = rawDescription instanceof String s ? Text.name(s, MAX_DESCRIPTION) : null;
      if (d == null || d.value() == null) {
        errors.add(new FieldError("/description", d == null ? "must be a string" : d.error()));
      } else {
        description = d.value();
      }
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(new BusFailure(BusFailure.BAD_REQUEST, "invalid webhook", errors));
    }
    String finalUrl = url;
    String finalDescription = description;
    String secret = Signatures.newSecret();
    return checkAddresses(target)
      .compose(v -> repo.create(finalUrl, events, finalDescription, secret, cfg.maxWebhooks()))
      .compose(w -> w == null ? BusFailure.fail(BusFailure.CONFLICT, "at most " + cfg.maxWebhooks()
        + " webhooks can be registered (WEBHOOKS_MAX_COUNT)") : Future.succeededFuture(w.put("secret", secret)));
  }

  /**
   * Unless private targets are allowed, the URL's host must resolve, and only to public addresses (a literal address
   * is checked as it is). The dispatcher checks again at every attempt.
   */
  private Future<Void> checkAddresses(Targets.Target target) {
    if (cfg.allowPrivateTargets()) {
      return Future.succeededFuture();
    }
    return Dispatcher.resolve(vertx, target.host(), cfg.dnsTimeoutMs()).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(BusFailure.invalid("invalid webhook", "/url", "the host " + target.host()
          + " does not resolve"));
      }
      for (InetAddress a : ar.result()) {
        String refusal = Targets.refusal(a);
        if (refusal != null) {
          return Future.failedFuture(BusFailure.invalid("invalid webhook", "/url", "the host " + target.host()
            + " resolves to " + a.getHostAddress() + ", " + refusal + ": not a permitted webhook target"));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** {@code {id, status?, limit?, cursor?}}: the webhook's deliveries, newest first, {@code {items, nextCursor}}. */
  private Future<JsonObject> deliveries(Message<JsonObject> msg) {
    UUID id = Fields.uuid(msg, "id");
    JsonObject body = Fields.body(msg);
    String status = body.getString("status");
    if (status != null && !STATUSES.contains(status)) {
      throw BusFailure.invalid("invalid query", "status", "must be one of " + STATUSES);
    }
    int limit = body.getInteger("limit", DEFAULT_DELIVERIES_LIMIT);
    if (limit < 1 || limit > MAX_DELIVERIES_LIMIT) {
      throw BusFailure.invalid("invalid query", "limit", "must be between 1 and " + MAX_DELIVERIES_LIMIT);
    }
    Long before = Cursor.read(body.getString("cursor"),
      key -> key.size() == 1 && key.getValue(0) instanceof Number n ? n.longValue() : null);
    return repo.deliveries(id, status, before, limit + 1).compose(rows -> {
      if (rows == null) {
        return notFound(id);
      }
      JsonArray items = new JsonArray();
      rows.stream().limit(limit).forEach(r -> {
        JsonObject item = r.copy();
        item.remove("seq");
        items.add(item);
      });
      String next = rows.size() > limit ? Cursor.encode(new JsonArray().add(rows.get(limit - 1).getLong("seq"))) : null;
      return Future.succeededFuture(new JsonObject().put("items", items).put("nextCursor", next));
    });
  }

  private static Future<JsonObject> found(Future<JsonObject> lookup, Message<JsonObject> msg) {
    return lookup.compose(w -> w != null ? Future.succeededFuture(w) : notFound(Fields.uuid(msg, "id")));
  }

  private static <T> Future<T> notFound(UUID id) {
    return BusFailure.fail(BusFailure.NOT_FOUND, "webhook " + id + " not found");
  }
}
