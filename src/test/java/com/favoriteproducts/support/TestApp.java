package com.favoriteproducts.support;

import com.favoriteproducts.Main;
import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.fake.FakeProductsVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The whole service deployed in-process (through {@link Main#deploy}) against the test services, with a web client
 * pointed at it, a direct pool on its database (to assert stored state) and helpers to get tokens.
 * The product API is the real fake-products verticle, deployed first in the same Vert.x on a free port with its admin
 * routes on ({@link #fakeProducts}); PRODUCTS_BASE_URL points at it unless the config sets one.
 * <p>One per test class, as a JUnit 5 extension held in a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final TestApp app = TestApp.perClass();                                  // the default configuration
 * @RegisterExtension
 * static final TestApp app = TestApp.perClass(c -> c.put("JOBS_MAX_ATTEMPTS", 3)); // extra keys
 * }</pre>
 * The app starts before the class's first test (and before its {@code @BeforeAll} methods, which may use it) and
 * closes after its last test (after its {@code @AfterAll} methods), also when a test fails. Tests that need several
 * apps, or one per test, use {@link #start(JsonObject)} in a try-with-resources block.
 */
public final class TestApp implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private static final int PORT_BASE = 20_000;
  private static final int PORT_SPAN = 12_000;
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
    new java.util.concurrent.atomic.AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(PORT_SPAN));
  public static final String API_TOKEN = "test-api-token-" + UUID.randomUUID();
  private static final String JWT_SECRET = "test-jwt-secret-" + UUID.randomUUID();

  // Set once, when the app starts (at once for start(...), in beforeAll for perClass(...)); never reassigned.
  public Vertx vertx;
  public JsonObject config;
  public WebClient http;
  public Pool db;
  public int port;
  /** The TCP event-bus bridge's port (BRIDGE_PORT; the bridge runs when VERTICLES names it). */
  public int bridgePort;
  /** The in-process product API stand-in and its admin routes. */
  public FakeProducts fakeProducts;
  /** Its base URL (what PRODUCTS_BASE_URL is set to by default). */
  public String fakeProductsUrl;
  private Redis redisClient;

  private Map<String, String> deployments;
  /** For an extension: the changes to {@link #defaultConfig()} it starts with; null for an app started at once. */
  private final UnaryOperator<JsonObject> perClassConfig;
  /** The test class whose lifecycle this extension follows (the one that started it). */
  private String startedFor;

  private TestApp(UnaryOperator<JsonObject> perClassConfig) {
    this.perClassConfig = perClassConfig;
  }

  private void started(Vertx vertx, JsonObject config, int port, FakeProducts fakeProducts, Map<String, String> deployments) {
    this.deployments = deployments;
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.bridgePort = com.favoriteproducts.config.AppConfig.integer(config, "BRIDGE_PORT", 0);
    this.fakeProducts = fakeProducts;
    this.fakeProductsUrl = fakeProducts.url;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    this.db = PgBuilder.pool().with(new PoolOptions().setMaxSize(4).setName("test-" + UUID.randomUUID()))
      .connectingTo(com.favoriteproducts.config.PgConfig.from(config).connectOptions()).using(vertx).build();
  }

  /** The app of a test class with the {@link #defaultConfig() default configuration} (see the class comment). */
  public static TestApp perClass() {
    return perClass(UnaryOperator.identity());
  }

  /**
   * The app of a test class, started with {@code config} applied to a fresh {@link #defaultConfig()} (it gets the
   * default configuration and returns it, changed: {@code c -> c.put("KEY", value)}).
   */
  public static TestApp perClass(UnaryOperator<JsonObject> config) {
    return new TestApp(config);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClassConfig == null) {
      throw new IllegalStateException("an app from TestApp.start(...) is not an extension: use TestApp.perClass(...)");
    }
    if (startedFor == null) { // a @Nested class inherits the extension: it shares its outer class's app
      start(this, perClassConfig.apply(defaultConfig()));
      startedFor = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(startedFor)) {
      startedFor = null;
      close();
    }
  }

  /** The standard configuration for tests: test services, a free HTTP port, fixed test secrets. */
  public static JsonObject defaultConfig() {
    return TestServices.config()
      .put("HTTP_PORT", freePort()).put("HTTP_HOST", "127.0.0.1")
      .put("HTTP_INSTANCES", 2).put("CUSTOMERS_INSTANCES", 2).put("PG_POOL_SIZE", 4)
      .put("API_TOKEN", API_TOKEN).put("JWT_SECRET", JWT_SECRET).put("JWT_ALGORITHM", "HS256")
      .put("JWT_ISSUER", "favorite-products").put("JWT_TTL_SECONDS", 3600)
      .put("PRODUCTS_INSTANCES", 1).put("FAVORITES_INSTANCES", 2)
      .put("BRIDGE_PORT", freePort()).put("BRIDGE_HOST", "127.0.0.1")
      .put("VERTICLES", "http,customers,products,favorites,favorites-jobs,webhooks,bridge")
      // Tests' webhook receivers listen on loopback; WebhookTargetsTest turns this off.
      .put("WEBHOOKS_ALLOW_PRIVATE_TARGETS", true);
  }

  public static TestApp start() {
    return start(defaultConfig());
  }

  /** Starts an app now (close it when done: try-with-resources). */
  public static TestApp start(JsonObject config) {
    return start(new TestApp(null), config);
  }

  private static TestApp start(TestApp app, JsonObject config) {
    config.put("METRICS_REGISTRY", config.getString("METRICS_REGISTRY", "test-" + UUID.randomUUID()));
    // Each app its own RabbitMQ names (deleted when it closes), so two apps alive at once never share queues.
    if (!config.getBoolean("SHARE_RABBITMQ_PREFIX", false)) {
      config.put("RABBITMQ_QUEUE_PREFIX", config.getString("RABBITMQ_QUEUE_PREFIX", "test") + "-"
        + UUID.randomUUID().toString().substring(0, 6));
    }
    Vertx vertx = await(Nodes.build(config));
    FakeProducts fake;
    Map<String, String> deployments;
    try {
      FakeProductsVerticle verticle = new FakeProductsVerticle();
      vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject()
        .put("PORT", 0).put("CATALOG_SIZE", 100).put("ADMIN_ENABLED", true))).await(30, TimeUnit.SECONDS);
      fake = new FakeProducts(vertx, verticle.actualPort());
      if (!config.containsKey("PRODUCTS_BASE_URL")) {
        config.put("PRODUCTS_BASE_URL", fake.url);
      }
      deployments = Main.deploy(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("the service did not start: " + e.getMessage(), e);
    }
    app.started(vertx, config, config.getInteger("HTTP_PORT"), fake, deployments);
    return app;
  }

  /**
   * A port free now, for a server a test starts next: below the kernel's ephemeral range (32768-60999 here), so that
   * none of the many outgoing connections of a run (PostgreSQL, Redis, RabbitMQ, HTTP clients) can take it between
   * this check and the bind, which happened with {@code new ServerSocket(0)} (a port of that range: "Address already
   * in use" in a clean-clone run); never the same port twice in a JVM. Each JVM starts at its own random offset.
   */
  public static int freePort() {
    for (int tries = 0; tries < PORT_SPAN; tries++) {
      int port = PORT_BASE + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("0.0.0.0", port));
        return port;
      } catch (IOException taken) {
        // in use: the next one
      }
    }
    throw new IllegalStateException("no free port in " + PORT_BASE + "-" + (PORT_BASE + PORT_SPAN - 1));
  }

  /** Blocks for a future's result (tests only: never on an event loop). */
  public static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public String adminToken() {
    return token(new JsonObject().put("token", API_TOKEN));
  }

  public String customerToken(String customerId) {
    return token(new JsonObject().put("token", API_TOKEN).put("customerId", customerId));
  }

  private String token(JsonObject body) {
    HttpResponse<Buffer> r = await(http.post("/v1/auth/token").sendJsonObject(body));
    if (r.statusCode() != 200) {
      throw new AssertionError("token request failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("access_token");
  }

  /** Creates a customer with a fresh email through the API; returns the response body. */
  public JsonObject createCustomer(String adminToken) {
    String email = "c-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> r = await(http.post("/v1/customers").bearerTokenAuthentication(adminToken)
      .sendJsonObject(new JsonObject().put("name", "Customer " + email).put("email", email)));
    if (r.statusCode() != 201) {
      throw new AssertionError("create failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** Undeploys one verticle of the app by its VERTICLES name (e.g. to stop the job consumer). */
  public void undeploy(String name) {
    String id = deployments.remove(name);
    if (id != null) {
      await(vertx.undeploy(id));
    }
  }

  /** A Redis client on the app's Redis database (created on first use). */
  public synchronized RedisAPI redis() {
    if (redisClient == null) {
      redisClient = Redis.createClient(vertx, RedisConfig.from(config).options());
    }
    return RedisAPI.api(redisClient);
  }

  /** Deletes the keys matching the pattern (SCAN, then DEL) in the app's Redis database; returns how many. */
  public int deleteRedisKeys(String pattern) {
    int deleted = 0;
    String cursor = "0";
    do {
      Response page = await(redis().scan(List.of(cursor, "MATCH", pattern, "COUNT", "1000")));
      cursor = page.get(0).toString();
      List<String> keys = new ArrayList<>();
      page.get(1).forEach(k -> keys.add(k.toString()));
      if (!keys.isEmpty()) {
        deleted += await(redis().del(keys)).toInteger();
      }
    } while (!cursor.equals("0"));
    return deleted;
  }

  @Override
  public void close() {
    if (vertx == null) {
      return; // never started (its start failed)
    }
    if (deployments.containsKey(Main.FAVORITES_JOBS)) {
      undeploy(Main.FAVORITES_JOBS);
      Rabbit.deleteTopology(vertx, config);
    }
    await(db.close());
    if (redisClient != null) {
      await(redisClient.close());
    }
    await(vertx.close());
  }
}
