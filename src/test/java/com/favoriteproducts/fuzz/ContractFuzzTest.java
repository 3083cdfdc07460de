package com.favoriteproducts.fuzz;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.RawHttp;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.fail;

/**
 * Contract-driven fuzzing: requests generated from {@code openapi.yaml} ({@link Generator}) against the running
 * service, every response checked ({@link Checks}), every failure collected and reported once ({@link Report}).
 *
 * <p>Settings (system property or environment variable): {@code FUZZ_SEED} (default: random, printed),
 * {@code FUZZ_REQUESTS} (default 5000: three quarters of any kind, then a quarter that must all be refused, around a
 * comparison of every table's rows), {@code FUZZ_SECONDS} (default 40: the run stops sending at this budget and says
 * so), {@code FUZZ_ONLY} (comma-separated request numbers: replay just those of the seed's run, printing each exchange).
 */
@DisplayName("contract fuzzing: generated requests for every operation of openapi.yaml")
class ContractFuzzTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static final int WORKERS = 4;

  @Test
  @DisplayName("valid, boundary and invalid requests: never a 5xx, every 4xx a problem naming the field, 2xx bodies as "
    + "declared, and the requests that must be refused change no stored row")
  void fuzz() throws Exception {
    long seed = setting("FUZZ_SEED", System.nanoTime() & 0xffffffffL);
    int requests = (int) setting("FUZZ_REQUESTS", 5000);
    long seconds = setting("FUZZ_SECONDS", 40);
    String onlyText = text("FUZZ_ONLY", "");
    Set<Integer> only = onlyText.isBlank() ? Set.of()
      : Arrays.stream(onlyText.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toSet());
    Contract contract = Contract.load("openapi.yaml");
    String replay = "FUZZ_SEED=" + seed + " FUZZ_REQUESTS=" + requests
      + "; replay one request with FUZZ_SEED=" + seed + " FUZZ_REQUESTS=" + requests + " FUZZ_ONLY=<#>";
    System.out.println("contract fuzz: " + replay + ", " + contract.operations.size() + " operations: "
      + contract.operations.stream().map(Contract.Op::id).toList());

    Known known = fixtures();
    Generator generator = new Generator(contract, known, seed);
    Report report = new Report(replay);
    int mixed = requests - requests / 4;
    long started = System.currentTimeMillis();
    // Each phase its share of the time budget, so a slow machine still gets the row comparison.
    long deadline = started + seconds * 700;
    int sentMixed = run(generator, known, report, 0, mixed, false, only, deadline);
    settle(started);
    Map<String, Set<String>> before = rows();
    deadline = System.currentTimeMillis() + seconds * 300;
    int sentInvalid = run(generator, known, report, mixed, requests, true, only, deadline);
    Map<String, Set<String>> after = rows();
    compare(before, after, report);

    long ms = System.currentTimeMillis() - started;
    System.out.println("contract fuzz: " + report.sent() + " requests (" + sentMixed + " mixed, " + sentInvalid
      + " invalid around the row comparison) in " + ms + " ms" + (sentMixed + sentInvalid < requests && only.isEmpty()
      ? ", stopped at the FUZZ_SECONDS budget of " + seconds + " s" : "") + report.statistics());
    if (report.failed()) {
      fail(report.summary());
    }
  }

  /** Sends requests {@code from} until {@code to} on {@link #WORKERS} connections; returns how many were sent. */
  private static int run(Generator generator, Known known, Report report, int from, int to, boolean onlyInvalid,
                         Set<Integer> only, long deadline) throws InterruptedException {
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger sent = new AtomicInteger();
    Tokens tokens = new Tokens();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      pool.submit(() -> {
        try (RawHttp http = new RawHttp("127.0.0.1", app.port, 15_000)) {
          Generator.Credentials creds = tokens.worker();
          for (int i = next.getAndIncrement(); i < to && System.currentTimeMillis() < deadline; i = next.getAndIncrement()) {
            if (!only.isEmpty() && !only.contains(i)) {
              continue;
            }
            FuzzRequest req = generator.generate(i, from, onlyInvalid, creds);
            RawHttp.Response res = http.exchange(req.bytes(), req.method().equals("HEAD"));
            sent.incrementAndGet();
            report.sent(req, res, Checks.check(req, res));
            if (!only.isEmpty()) { // a replay: show the exchange
              System.out.println(req.describe() + "\n      -> " + res.status() + " " + res.headers().stream()
                .map(h -> h[0] + ": " + h[1]).toList() + "\n      " + res.text());
            }
            if (req.fault() != null) {
              http.close(); // a broken request may leave the connection in any state
            }
            if (res.status() >= 200 && res.status() < 300 && res.body().length > 0) {
              try {
                known.harvest(Json.decodeValue(res.text()), req.op().path());
              } catch (RuntimeException notJson) {
                // checked (and reported) by Checks
              }
            }
            if (res.status() == 401 && req.fault() == null) {
              tokens.invalidate(req.headers()); // revoked by a revokeToken request: get new ones
            }
          }
        } catch (RuntimeException | Error e) {
          report.add("fuzzer", "fuzzer-error", e.toString());
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      pool.shutdownNow();
    }
    return sent.get();
  }

  /** Tokens for the workers: an admin token each, and customer tokens shared by customer id. */
  private static final class Tokens {
    private final Map<String, String> customers = new ConcurrentHashMap<>();
    private final List<String[]> admins = new ArrayList<>();

    Generator.Credentials worker() {
      String[] admin = {app.adminToken()};
      synchronized (admins) {
        admins.add(admin);
      }
      return new Generator.Credentials() {
        @Override
        public String admin() {
          return admin[0];
        }

        @Override
        public String customer(String customerId) {
          if (customerId == null) {
            return null;
          }
          String t = customers.get(customerId);
          if (t == null) {
            try {
              t = app.customerToken(customerId);
            } catch (AssertionError noSuchCustomer) {
              t = "";
            }
            customers.put(customerId, t);
          }
          return t.isEmpty() ? null : t;
        }
      };
    }

    void invalidate(List<String[]> headers) {
      for (String[] h : headers) {
        if (h[0].equals("Authorization") && h[1] != null && h[1].startsWith("Bearer ")) {
          String token = h[1].substring(7);
          customers.values().removeIf(token::equals);
          synchronized (admins) {
            for (String[] a : admins) {
              if (a[0].equals(token)) {
                a[0] = app.adminToken();
              }
            }
          }
        }
      }
    }
  }

  /** What valid requests need that the contract cannot say: the API token, products that exist, some customers. */
  private static Known fixtures() {
    Known known = new Known();
    known.add("token", TestApp.API_TOKEN);
    String admin = app.adminToken();
    for (int i = 0; i < 8; i++) {
      known.add("productId", app.fakeProducts.newProduct().getString("id"));
      known.add("customerId", app.createCustomer(admin).getString("id"));
    }
    for (String prefer : List.of("wait=1", "wait=0", "respond-async", "wait=2, handling=lenient")) {
      known.add("Prefer", prefer);
    }
    for (String etag : List.of("\"1\"", "\"2\"", "*", "W/\"1\"")) {
      known.add("If-Match", etag);
      known.add("If-None-Match", etag);
    }
    return known;
  }

  /**
   * Waits for the adds of this run in flight to finish and the tables to stop changing. Only this run's jobs: the test
   * database may hold jobs that an earlier test class left pending when its app closed (nobody consumes them now).
   */
  private static void settle(long startedMillis) {
    Eventually.until(30_000, "no add job of this run pending", () -> await(app.db.preparedQuery(
        "SELECT count(*) FROM favorite_jobs WHERE status = 'pending' AND created_at >= to_timestamp($1::float8 / 1000)")
      .execute(io.vertx.sqlclient.Tuple.of(startedMillis - 1000))).iterator().next().getLong(0) == 0);
    AtomicReference<Map<String, Set<String>>> last = new AtomicReference<>(rows());
    Eventually.until(10_000, "the stored rows stop changing", () -> {
      Map<String, Set<String>> now = rows();
      return now.equals(last.getAndSet(now));
    });
  }

  /** Every row of every table of the service's schema, as text. */
  private static Map<String, Set<String>> rows() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row t : await(app.db.query("SELECT table_name FROM information_schema.tables "
      + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").execute())) {
      String table = t.getString(0);
      Set<String> rows = new HashSet<>();
      for (Row r : await(app.db.query("SELECT t::text FROM \"" + table.replace("\"", "\"\"") + "\" t").execute())) {
        rows.add(r.getString(0));
      }
      out.put(table, rows);
    }
    return out;
  }

  private static void compare(Map<String, Set<String>> before, Map<String, Set<String>> after, Report report) {
    for (String table : before.keySet()) {
      Set<String> added = new HashSet<>(after.getOrDefault(table, Set.of()));
      added.removeAll(before.get(table));
      Set<String> removed = new HashSet<>(before.get(table));
      removed.removeAll(after.getOrDefault(table, Set.of()));
      if (!added.isEmpty() || !removed.isEmpty()) {
        report.add(table, "state-changed", "requests that were all to be refused changed table " + table + ": "
          + before.get(table).size() + " rows before, " + after.getOrDefault(table, Set.of()).size() + " after; new or changed "
          + added.stream().limit(5).toList() + ", gone or changed " + removed.stream().limit(5).toList());
      }
    }
  }

  private static long setting(String key, long def) {
    String v = text(key, null);
    return v == null ? def : Long.parseLong(v.trim());
  }

  private static String text(String key, String def) {
    String v = System.getProperty(key);
    if (v == null || v.isBlank()) {
      v = System.getenv(key);
    }
    return v == null || v.isBlank() ? def : v;
  }
}
