package com.favoriteproducts.http;

import com.favoriteproducts.auth.Principal;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.Cursor;
import com.favoriteproducts.bus.JobReason;
import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.bus.Paging;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The favorites and jobs operations of the contract: HTTP in, event bus to the favorites verticle (and the jobs
 * verticle for dead letters), HTTP out. No SQL and no RabbitMQ here.
 */
final class FavoriteHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(FavoriteHandlers.class);

  private final Vertx vertx;
  private final Bus bus;
  private final int waitMaxSeconds;
  private final int waitMaxConcurrent;
  private final AtomicInteger waits;

  private final ResponseCache cache;

  FavoriteHandlers(Vertx vertx, Bus bus, int waitMaxSeconds, int waitMaxConcurrent, ResponseCache cache) {
    this.cache = cache;
    this.vertx = vertx;
    this.bus = bus;
    this.waitMaxSeconds = waitMaxSeconds;
    this.waitMaxConcurrent = waitMaxConcurrent;
    this.waits = EdgeLimits.of(vertx).waits;
  }

  void addByPath(RoutingContext rc) {
    add(rc, Requests.path(rc, "customerId"), Requests.path(rc, "productId"));
  }

  void addByBody(RoutingContext rc) {
    add(rc, Requests.path(rc, "customerId"), Requests.body(rc).getString("productId"));
  }

  /**
   * 200 when already stored; else 202 with the job, or with {@code Prefer: wait=N} the outcome if it comes within
   * N seconds (201 stored, 404 no such product, 409 cap reached), still 202 otherwise. When
   * FAVORITES_WAIT_MAX_CONCURRENT adds are waiting already on this node, the preference is not applied: 202 at once.
   */
  private void add(RoutingContext rc, String customerId, String productId) {
    if (!Requests.requireCustomer(rc, customerId)) {
      return;
    }
    int wait = preferWait(rc.request().getHeader("Prefer"), waitMaxSeconds);
    bus.request(Addresses.FAVORITES_ADD, new JsonObject().put("customerId", customerId).put("productId", productId)
        .put("timeoutMs", bus.timeoutMs()))
      .onSuccess(r -> {
        if ("stored".equals(r.getString("state"))) {
          rc.response().putHeader("Content-Location", favoritePath(customerId, productId));
          Json.send(rc, 200, r.getJsonObject("favorite"));
        } else if (wait <= 0 || !EdgeLimits.tryAcquire(waits, waitMaxConcurrent)) {
          accepted(rc, r.getJsonObject("job"), -1);
        } else {
          awaitJob(rc, customerId, r.getJsonObject("job"), wait).onComplete(v -> waits.decrementAndGet());
        }
      })
      .onFailure(err -> Bus.fail(rc, err));
  }

  /**
   * Listens on {@code jobs.completed.<jobId>} (the jobs verticle publishes there, wherever it runs in the cluster),
   * then reads the job once to close the race with a completion before the listener was registered. No polling.
   * An event only wakes the wait up: whoever publishes there, the outcome is the job as the jobs verticle reads it,
   * and only if it is this request's job (its id, customer and product); the favorite answered is read for the
   * request's own customer and product. Completes when the response is sent.
   */
  /** The outcome of a wait whose job no longer exists (its customer was deleted meanwhile). */
  private static final JsonObject GONE = new JsonObject();

  private Future<Void> awaitJob(RoutingContext rc, String customerId, JsonObject job, int wait) {
    String jobId = job.getString("jobId");
    String productId = job.getString("productId");
    Promise<JsonObject> outcome = Promise.promise();
    Runnable check = () -> bus.request(Addresses.JOBS_GET, new JsonObject().put("jobId", jobId))
      .onSuccess(current -> {
        if (JobStatus.of(current.getString("status")) != JobStatus.PENDING
          && isJob(current, jobId, customerId, productId)) {
          outcome.tryComplete(current);
        }
      })
      .onFailure(err -> {
        // A pending job disappears only with its customer (a delete cancels its pending adds and removes them).
        if (err instanceof ReplyException re && re.failureCode() == BusFailure.NOT_FOUND) {
          outcome.tryComplete(GONE);
        }
      });
    MessageConsumer<JsonObject> listener = vertx.eventBus().consumer(Addresses.jobCompleted(jobId));
    listener.handler(m -> {
      if (m.body() != null && isJob(m.body(), jobId, customerId, productId)) {
        check.run();
      } else {
        LOG.warn("ignored a completion event on {} that is not about job {} of customer {}", m.address(), jobId,
          customerId);
      }
    });
    long timer = vertx.setTimer(wait * 1000L, t -> outcome.tryComplete(null));
    listener.completion().onSuccess(v -> check.run());
    return outcome.future().compose(done -> {
      vertx.cancelTimer(timer);
      listener.unregister();
      rc.response().putHeader("Preference-Applied", "wait=" + wait);
      if (done == GONE) {
        Problems.send(rc, 404, "customer " + customerId + " was deleted while the add was pending: the add was cancelled");
        return Future.succeededFuture();
      }
      JobStatus status = done == null ? JobStatus.PENDING : JobStatus.of(done.getString("status"));
      if (status == JobStatus.PENDING) {
        accepted(rc, job, wait);
      } else if (status == JobStatus.DONE) {
        return bus.request(Addresses.FAVORITES_GET, new JsonObject().put("customerId", customerId)
            .put("productId", productId))
          .onSuccess(f -> {
            rc.response().putHeader("Location", favoritePath(customerId, productId));
            Json.send(rc, 201, f);
          })
          .onFailure(err -> Bus.fail(rc, err)).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      } else {
        failed(rc, done);
      }
      return Future.succeededFuture();
    });
  }

  /** The job (a completion event or a read) is the one this request waits for. */
  static boolean isJob(JsonObject j, String jobId, String customerId, String productId) {
    return jobId.equalsIgnoreCase(j.getString("jobId", ""))
      && customerId.equalsIgnoreCase(j.getString("customerId", ""))
      && productId != null && productId.equalsIgnoreCase(j.getString("productId", ""));
  }

  private static void failed(RoutingContext rc, JsonObject job) {
    String reason = job.getString("reason", "");
    JobReason known = JobReason.of(reason);
    if (known == JobReason.PRODUCT_NOT_FOUND) {
      Problems.send(rc, 404, "product " + job.getString("productId") + " does not exist");
    } else if (known == JobReason.FAVORITES_LIMIT_REACHED) {
      Problems.send(rc, 409, "the customer has reached the maximum number of favorites");
    } else if (known == JobReason.CANCELLED) {
      // A remove of this favorite (or a delete of its customer) won the race: retrying would not help, a new add would.
      Problems.send(rc, 409, "the add was cancelled by a remove of the favorite or a delete of its customer; see /v1/jobs/"
        + job.getString("jobId"));
    } else {
      Problems.send(rc, 503, "the add could not be completed (" + reason + "); see /v1/jobs/" + job.getString("jobId"));
    }
  }

  private static void accepted(RoutingContext rc, JsonObject job, int applied) {
    rc.response().putHeader("Location", "/v1/jobs/" + job.getString("jobId"));
    if (applied >= 0) {
      rc.response().putHeader("Preference-Applied", "wait=" + applied);
    }
    Json.send(rc, 202, job);
  }

  void remove(RoutingContext rc) {
    String customerId = Requests.path(rc, "customerId");
    if (!Requests.requireCustomer(rc, customerId)) {
      return;
    }
    bus.request(Addresses.FAVORITES_REMOVE, new JsonObject().put("customerId", customerId)
        .put("productId", Requests.path(rc, "productId")))
      .onSuccess(r -> rc.response().setStatusCode(204).end())
      .onFailure(err -> Bus.fail(rc, err));
  }

  void get(RoutingContext rc) {
    String customerId = Requests.path(rc, "customerId");
    if (!Requests.requireCustomer(rc, customerId)) {
      return;
    }
    bus.request(Addresses.FAVORITES_GET, new JsonObject().put("customerId", customerId)
        .put("productId", Requests.path(rc, "productId")))
      .onSuccess(f -> Json.send(rc, 200, f))
      .onFailure(err -> Bus.fail(rc, err));
  }

  /** A page of favorites with a strong ETag over its bytes; If-None-Match with it answers 304. */
  void list(RoutingContext rc) {
    String customerId = Requests.path(rc, "customerId");
    if (!Requests.requireCustomer(rc, customerId)) {
      return;
    }
    Integer limit = Requests.queryInt(rc, "limit");
    JsonObject req = new JsonObject().put("customerId", customerId)
      .put("limit", limit == null ? Paging.DEFAULT_LIMIT : limit);
    String cursor = Requests.query(rc, "cursor");
    if (cursor != null) {
      req.put("cursor", cursor);
    }
    String owner = customerId.toLowerCase();
    // Keyed by the cursor's canonical form: its variants share one entry. One this service did not issue is not
    // cached (the favorites verticle answers it 400).
    String canonical = Cursor.canonical(cursor);
    String key = cursor != null && canonical == null ? null
      : "f:" + owner + "|" + req.getInteger("limit") + "|" + (canonical == null ? "" : canonical);
    ResponseCache.Entry hit = key == null ? null : cache.get(key, System.currentTimeMillis());
    if (hit != null) {
      CachedResponses.send(rc, hit);
      return;
    }
    long epoch = cache.epoch();
    bus.requestJsonBytes(Addresses.FAVORITES_LIST, req).onSuccess(body -> {
      String etag = Headers.etag(body);
      if (key != null) {
        cache.put(key, owner, epoch, body, etag, System.currentTimeMillis());
      }
      CachedResponses.send(rc, etag, body);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  /** The admin, or the customer the job belongs to. */
  void job(RoutingContext rc) {
    String jobId = Requests.path(rc, "jobId");
    bus.request(Addresses.JOBS_GET, new JsonObject().put("jobId", jobId)).onSuccess(job -> {
      Principal p = Principal.of(rc);
      if (p == null || !p.mayAccessCustomer(job.getString("customerId"))) {
        Problems.send(rc, 403, "this token may not read job " + jobId);
        return;
      }
      Json.send(rc, 200, job);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  void listDead(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    Integer limit = Requests.queryInt(rc, "limit");
    int size = limit == null ? Paging.DEAD_DEFAULT_LIMIT : limit;
    bus.request(Addresses.JOBS_DEAD_LIST, new JsonObject().put("limit", size))
      .onSuccess(r -> Json.send(rc, 200, r))
      .onFailure(err -> Bus.fail(rc, err));
  }

  void replayDead(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    bus.request(Addresses.JOBS_DEAD_REPLAY, new JsonObject())
      .onSuccess(r -> Json.send(rc, 200, r))
      .onFailure(err -> Bus.fail(rc, err));
  }

  private static String favoritePath(String customerId, String productId) {
    return "/v1/customers/" + customerId + "/favorites/" + productId;
  }

  /**
   * The {@code wait} preference of a {@code Prefer} header (RFC 7240), capped at {@code max} seconds; 0 when absent
   * or not a number (an unrecognised preference is ignored, as the RFC asks).
   */
  static int preferWait(String prefer, int max) {
    if (prefer == null) {
      return 0;
    }
    for (String part : prefer.split("[,;]")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("wait")) {
        try {
          return Math.max(0, Math.min(max, Integer.parseInt(kv[1].trim().replace("\"", ""))));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }
}
