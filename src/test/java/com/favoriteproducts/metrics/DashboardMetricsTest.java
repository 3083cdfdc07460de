package com.favoriteproducts.metrics;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric name that deploy/grafana/favorite-products.json and deploy/prometheus/alerts.yml query exists in the
 * /metrics output of a running service, after a little traffic through each subsystem (an add that completes, a
 * list, a product miss, a cached read), so that the meters created on first use are there too. Names are compared
 * as sample names: a histogram's {@code x_bucket}, {@code x_sum} or {@code x_count} must be published as such (a timer
 * without buckets has no {@code _bucket} series, and a query of one would be empty).
 */
@DisplayName("metrics: dashboard and alerts")
class DashboardMetricsTest {

  /** Series Prometheus makes itself, not the service. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");
  static final Path DASHBOARD = Path.of("deploy/grafana/favorite-products.json");
  static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("RESPONSE_CACHE_SIZE", 100));
  static Exposition scraped;

  @BeforeAll
  static void traffic() {
    String admin = app.adminToken();
    String customer = app.createCustomer(admin).getString("id");
    String product = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> add = MetricsTest.addWait(app, admin, customer, product);
    assertThat(add.statusCode()).as(add.bodyAsString()).isEqualTo(201);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> list = await(app.http.get("/v1/customers/" + customer + "/favorites")
        .bearerTokenAuthentication(admin).send());
      assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
      assertThat(list.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    }
    assertThat(MetricsTest.product(app, admin, UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
    assertThat(await(app.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
    scraped = MetricsTest.scrape(app);
  }

  @Test
  @DisplayName("every metric the dashboard and the alerts query is in /metrics")
  void everyNameExists() throws IOException {
    List<String> exprs = new ArrayList<>(dashboardExprs());
    int dashboard = exprs.size();
    exprs.addAll(alertExprs());
    assertThat(dashboard).as("dashboard expressions").isGreaterThan(20);
    assertThat(exprs.size() - dashboard).as("alert expressions").isGreaterThanOrEqualTo(5);
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(metricNames(e)));
    assertThat(used).contains("vertx_http_server_requests_total", "favorites_jobs_latency_seconds_bucket",
      "products_breaker_state", "vertx_pool_queue_pending", "vertx_eventbus_pending");
    assertThat(missing(scraped, used)).as("names queried but not in /metrics:\n" + scraped.text).isEmpty();
  }

  @Test
  @DisplayName("a bogus name, or a histogram suffix the meter does not publish, is caught")
  void bogusNameIsCaught() {
    Set<String> names = metricNames("sum(rate(favorites_jobs_accepted_totally{outcome=\"done\"}[5m])) "
      + "/ on (instance) group_left sum(rate(vertx_http_server_requests_total[5m]))");
    assertThat(names).containsExactlyInAnyOrder("favorites_jobs_accepted_totally", "vertx_http_server_requests_total");
    assertThat(missing(scraped, names)).containsExactly("favorites_jobs_accepted_totally");
    // favorites.jobs.retried is a counter: it has no _bucket; favorites.jobs.latency is a histogram: it has one
    assertThat(missing(scraped, Set.of("favorites_jobs_retried_bucket", "favorites_jobs_latency_seconds_bucket",
      "favorites_jobs_latency_seconds_count"))).containsExactly("favorites_jobs_retried_bucket");
  }

  @Test
  @DisplayName("the PromQL name extraction: functions, labels, grouping, strings, ranges and keywords are not names")
  void extraction() {
    assertThat(metricNames("histogram_quantile(0.95, sum by (le, route) (rate(a_seconds_bucket{code=~\"5..\","
      + " route!=\"x_y\"}[$__rate_interval] offset 5m)))")).containsExactly("a_seconds_bucket");
    assertThat(metricNames("max(b) == 2 and on(instance) c > bool 1 unless ignoring (job) d_total or e:rule"))
      .containsExactlyInAnyOrder("b", "c", "d_total", "e:rule");
    assertThat(metricNames("label_values(f_total, instance)")).containsExactly("f_total");
    assertThat(metricNames("sum without (pod) (g) / count(h{le=\"1e+06\"})")).containsExactlyInAnyOrder("g", "h");
  }

  static Set<String> missing(Exposition exposition, Set<String> names) {
    Set<String> present = new TreeSet<>();
    exposition.samples.forEach(s -> present.add(s.name()));
    Set<String> missing = new TreeSet<>();
    for (String name : names) {
      if (!PROMETHEUS_OWN.contains(name) && !present.contains(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  static List<String> dashboardExprs() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    collectPanels(dashboard.getJsonArray("panels"), exprs);
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = (JsonObject) v;
      if ("query".equals(variable.getString("type"))) {
        exprs.add(variable.getString("definition"));
      }
    }
    return exprs;
  }

  private static void collectPanels(JsonArray panels, List<String> exprs) {
    for (Object p : panels) {
      JsonObject panel = (JsonObject) p;
      for (Object t : panel.getJsonArray("targets", new JsonArray())) {
        exprs.add(((JsonObject) t).getString("expr"));
      }
      collectPanels(panel.getJsonArray("panels", new JsonArray()), exprs);
    }
  }

  static List<String> alertExprs() throws IOException {
    List<String> lines = Files.readAllLines(ALERTS);
    List<String> exprs = new ArrayList<>();
    long alerts = lines.stream().filter(l -> l.trim().startsWith("- alert:")).count();
    for (String line : lines) {
      String t = line.trim();
      if (t.startsWith("expr:")) {
        String e = t.substring("expr:".length()).trim();
        assertThat(e).as("one-line expr in alerts.yml").isNotEmpty().doesNotStartWith("|").doesNotStartWith(">");
        exprs.add(e);
      }
    }
    assertThat(exprs).as("an expr per alert").hasSize((int) alerts);
    return exprs;
  }

  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
    "group_left", "group_right", "bool", "offset", "inf", "nan");
  private static final Pattern GROUPING = Pattern.compile(
    "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** The metric names in a PromQL expression (roughly: the identifiers that are not functions, labels or keywords). */
  static Set<String> metricNames(String expr) {
    String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")   // string literals
      .replaceAll("\\{[^}]*}", " ")                                  // label matchers
      .replaceAll("\\[[^]]*]", " ")                                  // ranges and subqueries
      .replaceAll("\\$\\w+", " ")                                    // Grafana variables
      .replaceAll("\\boffset\\s+\\w+", " ");
    e = GROUPING.matcher(e).replaceAll(" ");
    e = e.replaceAll("\\d+(\\.\\d+)?([eE][+-]?\\d+)?", " ");         // numbers
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(e);
    while (m.find()) {
      String name = m.group();
      int after = m.end();
      while (after < e.length() && e.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < e.length() && e.charAt(after) == '(';
      boolean labelArg = e.substring(0, m.start()).matches("(?s).*label_values\\s*\\([^()]*,\\s*$");
      if (!function && !labelArg && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }
}
