package com.favoriteproducts;

import com.favoriteproducts.bridge.BridgeVerticle;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.LoopAffinity;
import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.config.AppConfig;
import com.favoriteproducts.config.BridgeConfig;
import com.favoriteproducts.config.ClusterConfig;
import com.favoriteproducts.config.DeployConfig;
import com.favoriteproducts.config.HttpConfig;
import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.ReplicaConfig;
import com.favoriteproducts.config.RuntimeConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.customer.CustomerVerticle;
import com.favoriteproducts.db.Migrations;
import com.favoriteproducts.favorite.FavoritesVerticle;
import com.favoriteproducts.favorite.jobs.JobsVerticle;
import com.favoriteproducts.http.HttpVerticle;
import com.favoriteproducts.http.NodeHealthVerticle;
import com.favoriteproducts.http.StartGate;
import com.favoriteproducts.product.ProductVerticle;
import com.favoriteproducts.webhook.WebhooksVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Loads the configuration, builds Vert.x and deploys the verticles named by {@code VERTICLES}
 * (a comma list of {@code http, customers, favorites, favorites-jobs, products, webhooks, bridge}; default all; the TCP
 * event-bus bridge, {@code bridge}, is skipped when BRIDGE_ENABLED=false).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static final String HTTP = "http";
  public static final String CUSTOMERS = "customers";
  public static final String FAVORITES = "favorites";
  public static final String FAVORITES_JOBS = "favorites-jobs";
  public static final String PRODUCTS = "products";
  public static final String WEBHOOKS = "webhooks";
  public static final String BRIDGE = "bridge";
  /** Not a role: the probes and metrics server of a node without {@code http} (HEALTH_PORT). */
  static final String HEALTH = "health";
  static final List<String> ALL = List.of(HTTP, CUSTOMERS, FAVORITES, FAVORITES_JOBS, PRODUCTS, WEBHOOKS, BRIDGE);
  /** The edges: they take requests from outside, so they open last and close first. */
  private static final List<String> EDGES = List.of(HTTP, BRIDGE);

  private Main() {
  }

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    JsonObject config;
    try {
      config = AppConfig.load();
      ClusterConfig.from(config); // CLUSTER_DISCOVERY and its keys: refused here, before anything starts
      String notes = JwtConfig.prepare(config);
      if (!notes.isEmpty()) {
        LOG.warn(notes);
      }
      // Refused here, before Vert.x: TLS on with missing or unreadable key, certificate or CA.
      com.favoriteproducts.config.EventBusTlsConfig.from(config);
      RuntimeConfig.from(config); // EVENT_LOOPS
    } catch (RuntimeException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx;
    try {
      vertx = Nodes.build(config).await(120, TimeUnit.SECONDS);
      LOG.info("Vert.x ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception e) {
      LOG.error("cannot start Vert.x: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    long shutdownTimeout = ShutdownConfig.from(config).timeoutMs();
    deploy(vertx, config).onSuccess(deployments -> {
      LOG.info("favorite-products started in {} ms: {} on HTTP port {}{}, {} transport",
        (System.nanoTime() - t0) / 1_000_000, deployments.keySet(), HttpConfig.from(config).port(),
        vertx.isClustered() ? " (clustered)" : "", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
      LoopAffinity affinity = LoopAffinity.of(vertx);
      if (affinity != null && deployments.containsKey(HTTP)) {
        LOG.info("same-event-loop delivery (BUS_AFFINITY) on {} event loops; edge loops served: {}",
          RuntimeConfig.from(config).eventLoopThreads(),
          affinity.summary(List.of(Addresses.FAVORITES_LIST, Addresses.CUSTOMERS_GET, Addresses.FAVORITES_ADD)));
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("shutting down (timeout {} ms)", shutdownTimeout);
        try {
          shutdown(vertx, deployments).await(shutdownTimeout + 5_000, TimeUnit.MILLISECONDS);
          LOG.info("stopped");
        } catch (Exception e) {
          LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
      }, "graceful-shutdown"));
    }).onFailure(err -> {
      LOG.error("start-up failed: {}", err.getMessage(), err);
      vertx.close().onComplete(x -> System.exit(1));
    });
  }

  /**
   * Graceful stop: the edges first, HTTP and the bridge together (no new requests; those in flight finish, bounded by
   * SHUTDOWN_TIMEOUT_MS), then the job consumers (unacked jobs go back to RabbitMQ), then the rest; closing Vert.x
   * last leaves the cluster and closes what is left.
   */
  public static Future<Void> shutdown(Vertx vertx, Map<String, String> deployments) {
    Future<Void> chain = undeploy(vertx, deployments, EDGES).compose(v -> undeploy(vertx, deployments, List.of(FAVORITES_JOBS)));
    List<String> rest = deployments.keySet().stream().filter(n -> !EDGES.contains(n) && !n.equals(FAVORITES_JOBS)).toList();
    chain = chain.compose(v -> undeploy(vertx, deployments, rest));
    return chain.eventually(vertx::close);
  }

  /** Undeploys the named verticles together (each drains its consumers first); failures are logged, not fatal. */
  private static Future<Void> undeploy(Vertx vertx, Map<String, String> deployments, List<String> names) {
    List<Future<Void>> all = new ArrayList<>();
    for (String name : names) {
      String id = deployments.get(name);
      if (id != null) {
        all.add(vertx.undeploy(id).otherwise(err -> {
          LOG.warn("undeploying {} failed: {}", name, err.toString());
          return null;
        }));
      }
    }
    return Future.all(all).mapEmpty();
  }

  /** The verticles this node runs, validated. */
  static Set<String> verticles(DeployConfig deploy) {
    Set<String> names = new LinkedHashSet<>();
    String list = deploy.verticles();
    for (String raw : (list == null ? String.join(",", ALL) : list).split(",")) {
      String n = raw.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        continue;
      }
      if (!ALL.contains(n)) {
        throw new IllegalArgumentException("unknown verticle '" + n + "' in VERTICLES; known: " + ALL);
      }
      names.add(n);
    }
    return names;
  }

  /**
   * Runs the schema migrations when this node hosts a verticle that uses PostgreSQL while it deploys the verticles
   * (the job worker once the schema is ready; the HTTP edge opens its port last). Completes with the deployment id of
   * each verticle name.
   */
  public static Future<Map<String, String>> deploy(Vertx vertx, JsonObject config) {
    DeployConfig deploy;
    Set<String> names;
    PgConfig.Budget pools;
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      deploy = DeployConfig.from(config);
      names = verticles(deploy);
      pools = poolBudget(config, deploy, names, cores);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long t0 = System.nanoTime();
    // The HTTP edge prepares (contract, router) while the schema is migrated and the back-ends deploy, and opens its
    // port only once they are up (StartGate): it takes requests only once what serves them is there.
    StartGate gate = names.contains(HTTP) ? StartGate.open(vertx) : null;
    // One parse of the contract for all the instances (HttpVerticle.contract).
    Future<OpenAPIContract> contract = gate == null ? null : HttpVerticle.contract(vertx);
    Future<String> http = gate == null ? null : vertx.deployVerticle(() -> new HttpVerticle(contract),
      new DeploymentOptions().setConfig(config).setInstances(instances(deploy.httpInstances(), cores)));
    boolean usesPg = names.contains(CUSTOMERS) || names.contains(FAVORITES) || names.contains(FAVORITES_JOBS)
      || names.contains(WEBHOOKS);
    Future<?> schema = usesPg
      ? vertx.executeBlocking(() -> Migrations.load(vertx, PgConfig.from(config))).compose(Migrations::run)
      : Future.succeededFuture();
    // Verticles that touch no table while they start (their pools connect on first use) deploy while the schema is
    // migrated; the job worker, whose start sweeps the jobs table, once it is ready. The HTTP gate waits for both.
    Map<String, Future<String>> deployments = new LinkedHashMap<>();
    BridgeConfig bridge;
    try {
      bridge = names.contains(BRIDGE) ? BridgeConfig.from(config) : null;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (bridge != null && !bridge.enabled()) {
      LOG.info("the TCP event-bus bridge is off (BRIDGE_ENABLED=false)");
    }
    for (String name : names) {
      DeploymentOptions options = new DeploymentOptions().setConfig(config);
      switch (name) {
        case HTTP, BRIDGE -> {
          // the edges: HTTP deployed above, in parallel; the bridge once the back-ends are up (below)
        }
        case CUSTOMERS -> deployments.put(name, vertx.deployVerticle(CustomerVerticle.class,
          options.setConfig(PgConfig.withPoolSize(config, pools.customers(), pools.reads()))
            .setInstances(instances(deploy.customersInstances(), cores))));
        case FAVORITES -> deployments.put(name, vertx.deployVerticle(FavoritesVerticle.class,
          options.setConfig(PgConfig.withPoolSize(config, pools.favorites(), pools.reads()))
            .setInstances(instances(deploy.favoritesInstances(), cores))));
        // One consumer connection per node is plenty (prefetch JOBS_PREFETCH messages in flight each).
        case FAVORITES_JOBS -> deployments.put(name, schema.compose(v -> vertx.deployVerticle(JobsVerticle.class,
          options.setConfig(PgConfig.withPoolSize(config, pools.jobs()))
            .setInstances(instances(deploy.jobsInstances(), 1)))));
        // Once the schema is ready (its dispatcher claims at once); one instance by default (WEBHOOKS_MAX_IN_FLIGHT
        // attempts each): several dispatchers, here or on other nodes, share the outbox safely.
        case WEBHOOKS -> deployments.put(name, schema.compose(v -> vertx.deployVerticle(WebhooksVerticle.class,
          options.setConfig(PgConfig.withPoolSize(config, pools.webhooks()))
            .setInstances(instances(deploy.webhooksInstances(), 1)))));
        // One instance by default: the breaker and the single flight are per instance.
        case PRODUCTS -> deployments.put(name, vertx.deployVerticle(ProductVerticle.class,
          options.setInstances(instances(deploy.productsInstances(), 1))));
        default -> LOG.warn("verticle '{}' is not part of this build yet; skipped", name);
      }
    }
    schema.onSuccess(v -> LOG.info("schema ready after {} ms", (System.nanoTime() - t0) / 1_000_000));
    List<Future<?>> all = new ArrayList<>(deployments.values());
    all.add(schema);
    Future<Map<String, String>> backends = Future.all(all).map(cf -> {
      Map<String, String> ids = new LinkedHashMap<>();
      deployments.forEach((name, f) -> ids.put(name, f.result()));
      LOG.info("back-end verticles deployed after {} ms", (System.nanoTime() - t0) / 1_000_000);
      return ids;
    });
    // Like the HTTP edge, the bridge takes frames only once what serves them is deployed: it is deployed then.
    Future<Map<String, String>> withBridge = bridge == null || !bridge.enabled() ? backends
      : backends.compose(ids -> vertx.deployVerticle(BridgeVerticle.class, new DeploymentOptions().setConfig(config)
        .setInstances(bridge.instances())).map(id -> {
          Map<String, String> with = new LinkedHashMap<>(ids);
          with.put(BRIDGE, id);
          LOG.info("TCP event-bus bridge listening on {}:{}", bridge.host(), bridge.port());
          return with;
        }));
    if (gate == null) {
      // A node with no HTTP edge (a worker) serves its probes and metrics on HEALTH_PORT, once it is up.
      return deploy.healthPort() == 0 ? withBridge : withBridge.compose(ids -> vertx.deployVerticle(
        new NodeHealthVerticle(names), new DeploymentOptions().setConfig(config)).map(id -> {
          Map<String, String> with = new LinkedHashMap<>(ids);
          with.put(HEALTH, id);
          LOG.info("probes and metrics on port {}", deploy.healthPort());
          return with;
        }));
    }
    backends.onComplete(ar -> {
      if (ar.succeeded()) {
        gate.pass();
      } else {
        gate.fail(ar.cause());
      }
    });
    return Future.all(withBridge, http).map(cf -> {
      Map<String, String> ids = new LinkedHashMap<>(withBridge.result());
      ids.put(HTTP, http.result());
      return ids;
    });
  }

  /**
   * The size of each PostgreSQL pool and read client: PG_MAX_CONNECTIONS divided among the pools this node opens (one
   * per instance of customers, favorites, favorites-jobs and webhooks; the customers and favorites shares split with
   * their read clients, {@link PgConfig#budget}), or PG_POOL_SIZE for each when set (with a warning when that exceeds
   * the budget). Fails when the budget cannot give each pool a connection.
   */
  static PgConfig.Budget poolBudget(JsonObject config, DeployConfig deploy, Set<String> names, int cores) {
    PgConfig pg = PgConfig.from(config);
    PgConfig.Budget b = pg.budget(names.contains(CUSTOMERS) ? instances(deploy.customersInstances(), cores) : 0,
      names.contains(FAVORITES) ? instances(deploy.favoritesInstances(), cores) : 0,
      names.contains(FAVORITES_JOBS) ? instances(deploy.jobsInstances(), 1) : 0,
      names.contains(WEBHOOKS) ? instances(deploy.webhooksInstances(), 1) : 0);
    if (b.total() > pg.maxConnections()) {
      LOG.warn("PG_POOL_SIZE={} gives this node up to {} PostgreSQL connections, more than PG_MAX_CONNECTIONS={}",
        pg.poolSize(), b.total(), pg.maxConnections());
    } else if (b.total() > 0) {
      LOG.info("PostgreSQL pools: customers {}, favorites {}, favorites-jobs {}, webhooks {} connections each, and {}"
        + " pipelined for reads per customers and favorites instance; {} in all (budget {})", b.customers(),
        b.favorites(), b.jobs(), b.webhooks(), b.reads(), b.total(), pg.maxConnections());
    }
    ReplicaConfig replicas = ReplicaConfig.from(config);
    if (replicas.enabled() && b.total() > 0) {
      // replicas get the read clients' connections (customers, favorites) and the favorites-jobs pools' (their reads
      // run on a pool of the same size per replica); the other pools read nothing from replicas
      int perReplica = b.reads() * ((names.contains(CUSTOMERS) ? instances(deploy.customersInstances(), cores) : 0)
        + (names.contains(FAVORITES) ? instances(deploy.favoritesInstances(), cores) : 0))
        + b.jobs() * (names.contains(FAVORITES_JOBS) ? instances(deploy.jobsInstances(), 1) : 0);
      LOG.info("PostgreSQL read replicas {}: up to {} connections from this node to each (max lag {} ms)",
        replicas.hosts(), perReplica, replicas.maxLagMs());
    }
    return b;
  }

  private static int instances(int configured, int def) {
    return configured > 0 ? configured : def;
  }
}
