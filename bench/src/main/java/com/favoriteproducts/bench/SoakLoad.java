package com.favoriteproducts.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The soak's mixed load (70% reads, 20% adds, 10% customer writes) against the service, and what it saw. Everything
 * runs on one event-loop context (requests are sent and answered there), so the records need no locks.
 *
 * <p>Two ways to drive it: {@link #closedLoop} (a fixed number of requests in flight, each sent when the previous one
 * answered: the ramp that measures the peak) and {@link #openLoop} (a constant arrival rate: request {@code i} is due
 * at {@code start + i / rate}, sent then whatever the answers before it, and its latency counts from when it was
 * due, so a slow or stalled service shows as latency and queued requests, not as fewer requests).
 *
 * <p>Targets: reads and adds go to the seeded customers (adds: a random product of the fake catalog); favorite gets to
 * favorites that exist (a sample of the table); updates patch seeded customers' names; deletes remove only customers
 * the soak itself created, so no accepted add is ever removed by the load.
 */
final class SoakLoad {

  /** The request kinds and their shares of the load. */
  enum Kind {
    LIST("list favorites", "GET /v1/customers/{id}/favorites?limit=20", 30),
    CUSTOMER("get customer", "GET /v1/customers/{id}", 25),
    FAVORITE("get favorite", "GET /v1/customers/{id}/favorites/{productId}", 15),
    ADD("add favorite", "PUT /v1/customers/{id}/favorites/{productId}", 20),
    CREATE("create customer", "POST /v1/customers", 5),
    UPDATE("update customer", "PATCH /v1/customers/{id} (name)", 4),
    DELETE("delete customer", "DELETE /v1/customers/{id} (one the soak created)", 1);

    final String title;
    final String request;
    final int percent;

    Kind(String title, String request, int percent) {
      this.title = title;
      this.request = request;
      this.percent = percent;
    }
  }

  private static final Kind[] KINDS = Kind.values();
  /** Status recorded when no answer came (connection error, client timeout). */
  static final int NO_ANSWER = 0;

  private final Vertx vertx;
  private final Context ctx;
  private final ServiceClient service;
  private final List<String> customers;
  private final List<String> products;
  private final List<String[]> favorites;
  private final String runId;
  private final Random random = new Random(Env.integer("BENCH_SEED", 42));
  private final List<String> created = new ArrayList<>();
  private int createSeq;

  /** One record per answered (or failed) request of the open-loop phase, in completion order. */
  final Records records = new Records();
  /** Accepted adds (200, 201, 202): "customerId productId" pairs, and the job ids of the 202s. */
  final Set<String> acceptedPairs = new HashSet<>();
  final Set<String> acceptedJobs = new HashSet<>();
  /** Adds answered 503 (or anything but 2xx): their pairs, to tell afterwards whether they were stored anyway. */
  final Set<String> refusedPairs = new HashSet<>();

  SoakLoad(Vertx vertx, ServiceClient service, List<String> customers, List<String> products,
           List<String[]> favorites, String runId) {
    this.vertx = vertx;
    this.ctx = vertx.getOrCreateContext();
    this.service = service;
    this.customers = customers;
    this.products = products;
    this.favorites = favorites;
    this.runId = runId;
  }

  /** Requests in flight, each sent when the previous answered, for {@code seconds}: answered requests per second. */
  Future<JsonObject> closedLoop(int inFlight, int seconds) {
    Promise<JsonObject> done = Promise.promise();
    ctx.runOnContext(v -> {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long t0 = System.nanoTime();
      int[] counts = new int[3]; // answered, 5xx, no answer
      int[] active = {inFlight};
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        if (System.nanoTime() >= end) {
          if (--active[0] == 0) {
            double s = (System.nanoTime() - t0) / 1e9;
            done.complete(new JsonObject().put("inFlight", inFlight).put("seconds", StoredWaiter.round(s))
              .put("answered", counts[0]).put("status5xx", counts[1]).put("noAnswer", counts[2])
              .put("perSecond", Math.round((counts[0] - counts[1]) / s)));
          }
          return;
        }
        send(choose()).onComplete(ar -> {
          int status = ar.succeeded() ? ar.result() : NO_ANSWER;
          counts[status == NO_ANSWER ? 2 : 0]++;
          if (status >= 500) {
            counts[1]++;
          }
          next[0].run();
        });
      };
      for (int i = 0; i < inFlight; i++) {
        next[0].run();
      }
    });
    return done.future();
  }

  /**
   * Constant arrival rate for {@code seconds} from {@code startNanos}: request {@code i} is due at
   * {@code startNanos + i * 1e9 / rate}. Completes when every request sent has answered or failed.
   */
  Future<Void> openLoop(double rate, int seconds, long startNanos) {
    Promise<Void> done = Promise.promise();
    long total = Math.round(rate * seconds);
    double interval = 1e9 / rate;
    ctx.runOnContext(v -> {
      long[] sent = {0};
      long[] answered = {0};
      long timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        long due = Math.min(total, (long) ((now - startNanos) / interval) + 1);
        while (sent[0] < due) {
          long dueAt = startNanos + (long) (sent[0] * interval);
          sent[0]++;
          Kind kind = choose();
          send(kind).onComplete(ar -> {
            long end = System.nanoTime();
            records.add(kind.ordinal(), ar.succeeded() ? ar.result() : NO_ANSWER,
              (dueAt - startNanos) / 1_000_000, (end - startNanos) / 1_000_000, (end - dueAt) / 1000);
            if (++answered[0] == total) {
              done.complete();
            }
          });
        }
        if (sent[0] == total) {
          vertx.cancelTimer(id);
        }
      });
      if (total == 0) {
        vertx.cancelTimer(timer);
        done.complete();
      }
    });
    return done.future();
  }

  /** A kind drawn by the shares; a delete before the soak created any customer of its own is a create. */
  private Kind choose() {
    Kind k = pick();
    return k == Kind.DELETE && created.isEmpty() ? Kind.CREATE : k;
  }

  private Kind pick() {
    int r = random.nextInt(100);
    for (Kind k : KINDS) {
      if (r < k.percent) {
        return k;
      }
      r -= k.percent;
    }
    return Kind.LIST;
  }

  /** Sends one request of that kind; the status, or a failed future when no answer came. */
  private Future<Integer> send(Kind kind) {
    String c = customers.get(random.nextInt(customers.size()));
    switch (kind) {
      case LIST:
        return status(service.get("/v1/customers/" + c + "/favorites?limit=20"));
      case CUSTOMER:
        return status(service.get("/v1/customers/" + c));
      case FAVORITE: {
        String[] f = favorites.isEmpty() ? new String[] {c, products.get(0)} : favorites.get(random.nextInt(favorites.size()));
        return status(service.get("/v1/customers/" + f[0] + "/favorites/" + f[1]));
      }
      case ADD: {
        String pair = c + " " + products.get(random.nextInt(products.size()));
        return service.put("/v1/customers/" + pair.replace(" ", "/favorites/")).map(r -> {
          int s = r.statusCode();
          if (s == 200 || s == 201 || s == 202) {
            acceptedPairs.add(pair);
            String job = s == 202 ? ServiceClient.jobId(r) : null;
            if (job != null) {
              acceptedJobs.add(job);
            }
          } else {
            refusedPairs.add(pair);
          }
          return s;
        });
      }
      case UPDATE:
        return status(service.request(HttpMethod.PATCH, "/v1/customers/" + c)
          .putHeader("Content-Type", "application/merge-patch+json")
          .sendBuffer(new JsonObject().put("name", "Soak Update " + random.nextInt(1_000_000)).toBuffer()));
      case DELETE:
        return status(service.request(HttpMethod.DELETE, "/v1/customers/" + created.remove(created.size() - 1)).send());
      case CREATE:
      default:
        return create();
    }
  }

  private Future<Integer> create() {
    int n = createSeq++;
    JsonObject body = new JsonObject().put("name", "Soak Customer " + n).put("email", "soak-" + runId + "-" + n + "@example.com");
    return service.postJson("/v1/customers", body).map(r -> {
      JsonObject c = r.statusCode() == 201 ? ServiceClient.jsonOrNull(r) : null;
      if (c != null && c.getString("id") != null) {
        created.add(c.getString("id"));
      }
      return r.statusCode();
    });
  }

  private static Future<Integer> status(Future<HttpResponse<Buffer>> f) {
    return f.map(HttpResponse::statusCode);
  }

  /** Column-wise records: kind, status, due and end (ms from the start of the phase), latency (µs from due). */
  static final class Records {
    int size;
    byte[] kind = new byte[1 << 16];
    short[] status = new short[1 << 16];
    int[] dueMs = new int[1 << 16];
    int[] endMs = new int[1 << 16];
    int[] latencyUs = new int[1 << 16];

    void add(int k, int s, long due, long end, long latency) {
      if (size == kind.length) {
        int n = size * 2;
        kind = Arrays.copyOf(kind, n);
        status = Arrays.copyOf(status, n);
        dueMs = Arrays.copyOf(dueMs, n);
        endMs = Arrays.copyOf(endMs, n);
        latencyUs = Arrays.copyOf(latencyUs, n);
      }
      kind[size] = (byte) k;
      status[size] = (short) s;
      dueMs[size] = (int) due;
      endMs[size] = (int) end;
      latencyUs[size] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, latency));
      size++;
    }
  }
}
