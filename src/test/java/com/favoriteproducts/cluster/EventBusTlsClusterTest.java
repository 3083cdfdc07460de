package com.favoriteproducts.cluster;

import com.favoriteproducts.Main;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * EVENTBUS_TLS=true: Vert.x instances in this JVM, each its own Hazelcast member of one private cluster, with
 * certificates made by {@code scripts/cluster-certs.sh} into a temporary folder. Two members (an HTTP edge, A, and a
 * customers node, B) serve the REST API together; a foreign node, either with a certificate from another CA or with no
 * TLS at all, joins Hazelcast (nothing stops it: docs/security.md) but can neither get a reply from {@code customers.get}
 * nor receive one of the members' requests. A third member with a certificate from the cluster CA does both, through
 * the same probes: what the foreign nodes miss is the certificate, not the probe.
 */
@DisplayName("mutual TLS on the clustered event bus (EVENTBUS_TLS)")
class EventBusTlsClusterTest {

  private static final String PROBE = "x-tls-probe";
  /** How long a foreign node's request, or a member's request that round-robins to a foreign consumer, may wait. */
  private static final long SHORT_TIMEOUT_MS = 2000;

  static Path dir;
  static Path certs;
  static Path foreign;
  static JsonObject base;
  static Vertx nodeA;
  static Vertx nodeB;
  static Vertx helper;
  static WebClient http;
  static Pool db;
  static String admin;
  /** customers.get / customers.create messages that reached node B's consumers with the probe header, by value. */
  static final ConcurrentLinkedQueue<String> probesAtB = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void cluster() throws Exception {
    dir = Files.createTempDirectory("eventbus-tls-");
    certs = dir.resolve("cluster");
    foreign = dir.resolve("foreign");
    certs(certs, "node-a", "node-b", "node-c");
    certs(foreign, "intruder");
    // The intruder trusts the cluster's CA as well as its own: what the members refuse is its certificate alone.
    Files.writeString(foreign.resolve("trust-both.pem"),
      Files.readString(foreign.resolve("ca.crt")) + Files.readString(certs.resolve("ca.crt")));

    String id = UUID.randomUUID().toString().substring(0, 8);
    base = TestApp.defaultConfig().put("CLUSTER", true).put("CLUSTER_NAME", "fp-tls-" + id)
      .put("CLUSTER_PORT", 24000 + ThreadLocalRandom.current().nextInt(0, 150) * 50)
      .put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1").put("METRICS_ENABLED", false)
      .put("HTTP_INSTANCES", 1).put("CUSTOMERS_INSTANCES", 1).put("PG_POOL_SIZE", 2)
      .put("RABBITMQ_QUEUE_PREFIX", "test-tls-" + id).put("EVENTBUS_TIMEOUT_MS", 3000);

    nodeB = await(Nodes.build(member("node-b").put("VERTICLES", "customers")));
    nodeB.eventBus().addInboundInterceptor(ctx -> {
      String probe = ctx.message().headers().get(PROBE);
      if (probe != null) {
        probesAtB.add(probe);
      }
      ctx.next();
    });
    await(Main.deploy(nodeB, member("node-b").put("VERTICLES", "customers")));
    JsonObject a = member("node-a").put("VERTICLES", "http");
    nodeA = await(Nodes.build(a));
    await(Main.deploy(nodeA, a));
    helper = Vertx.vertx();
    http = WebClient.create(helper, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(a.getInteger("HTTP_PORT")));
    db = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(com.favoriteproducts.config.PgConfig.from(base).connectOptions()).using(helper).build();
    HttpResponse<Buffer> token = await(http.post("/v1/auth/token")
      .sendJsonObject(new JsonObject().put("token", TestApp.API_TOKEN)));
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(200);
    admin = token.bodyAsJsonObject().getString("access_token");
  }

  @AfterAll
  static void stop() throws IOException {
    for (Vertx v : new Vertx[] {nodeA, nodeB, helper}) {
      if (v != null) {
        v.close().await();
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Runs scripts/cluster-certs.sh as an operator would. */
  static void certs(Path out, String... names) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "scripts/cluster-certs.sh", out.toString()));
    cmd.addAll(List.of(names));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    for (String n : names) {
      assertThat(out.resolve(n).resolve("tls.crt")).exists();
      assertThat(Files.getPosixFilePermissions(out.resolve(n).resolve("tls.key")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
          java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
  }

  /** The configuration of a node holding the cluster CA's certificate {@code name}. */
  static JsonObject member(String name) {
    return base.copy().put("HTTP_PORT", TestApp.freePort()).put("EVENTBUS_TLS", true)
      .put("EVENTBUS_TLS_CERT", certs.resolve(name).resolve("tls.crt").toString())
      .put("EVENTBUS_TLS_KEY", certs.resolve(name).resolve("tls.key").toString())
      .put("EVENTBUS_TLS_CA", certs.resolve("ca.crt").toString());
  }

  static JsonObject otherCa() {
    return base.copy().put("EVENTBUS_TLS", true)
      .put("EVENTBUS_TLS_CERT", foreign.resolve("intruder").resolve("tls.crt").toString())
      .put("EVENTBUS_TLS_KEY", foreign.resolve("intruder").resolve("tls.key").toString())
      .put("EVENTBUS_TLS_CA", foreign.resolve("trust-both.pem").toString());
  }

  static JsonObject noTls() {
    return base.copy().put("EVENTBUS_TLS", false);
  }

  static JsonObject createCustomer() {
    String email = "tls-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> r = await(http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "TLS " + email).put("email", email)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static long customersWithEmail(String email) {
    return await(db.preparedQuery("SELECT count(*) FROM customers WHERE email = $1").execute(Tuple.of(email)))
      .iterator().next().getLong(0);
  }

  static List<String> nodeIds(Vertx v) {
    return Nodes.clusterManager(v).getNodes();
  }

  /** Waits until node A's view of the subscription map lists {@code node} for {@code address}. */
  static void awaitRegistration(Vertx node, String address) {
    HazelcastClusterManager manager = (HazelcastClusterManager) Nodes.clusterManager(nodeA);
    String nodeId = Nodes.clusterManager(node).getNodeId();
    Eventually.until(10_000, "the subscription map lists the other node's consumer on " + address, () -> {
      io.vertx.core.Promise<List<RegistrationInfo>> regs = io.vertx.core.Promise.promise();
      manager.getRegistrations(address, regs);
      return await(regs.future()).stream().anyMatch(r -> r.nodeId().equals(nodeId));
    });
    // Node A's selector learns it from the map's entry listener, a moment later.
    Eventually.elapse(500, "node A's round robin includes the new consumer");
  }

  @Test
  @DisplayName("two TLS members work together: a REST call through the HTTP node is served by the customers node")
  void membersWorkTogether() {
    assertThat(nodeA.isClustered()).isTrue();
    assertThat(nodeIds(nodeA)).contains(Nodes.clusterManager(nodeB).getNodeId());
    JsonObject created = createCustomer();
    HttpResponse<Buffer> got = await(http.get("/v1/customers/" + created.getString("id"))
      .bearerTokenAuthentication(admin).send());
    assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().getString("email")).isEqualTo(created.getString("email"));
    assertThat(customersWithEmail(created.getString("email"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a node with a certificate from another CA joins Hazelcast but gets no reply and receives no request")
  void otherCaIsShutOut() {
    shutOut(otherCa(), "other-ca");
  }

  @Test
  @DisplayName("a node without TLS joins Hazelcast but gets no reply and receives no request")
  void noTlsIsShutOut() {
    shutOut(noTls(), "no-tls");
  }

  @Test
  @DisplayName("a third member with a certificate from the cluster CA gets replies and receives requests (the probes' control)")
  void memberGetsThrough() {
    JsonObject customer = createCustomer();
    Vertx member = await(Nodes.build(member("node-c").put("VERTICLES", "")));
    try {
      String tag = "member-" + UUID.randomUUID();
      Message<JsonObject> reply = await(member.eventBus().<JsonObject>request(Addresses.CUSTOMERS_GET,
        new JsonObject().put("id", customer.getString("id")),
        new DeliveryOptions().setSendTimeout(SHORT_TIMEOUT_MS).addHeader(PROBE, tag)));
      assertThat(reply.body().getString("email")).isEqualTo(customer.getString("email"));
      assertThat(probesAtB).contains(tag);

      AtomicInteger invoked = new AtomicInteger();
      MessageConsumer<JsonObject> consumer = member.eventBus().consumer(Addresses.CUSTOMERS_GET, m -> {
        invoked.incrementAndGet();
        m.reply(new JsonObject().put("id", m.body().getString("id")).put("email", "member@example.com"));
      });
      await(consumer.completion());
      awaitRegistration(member, Addresses.CUSTOMERS_GET);
      List<Outcome> outcomes = sendsFromA(customer.getString("id"), 10);
      assertThat(invoked.get()).as("the member's consumer takes its share of the round robin").isPositive();
      assertThat(outcomes).allMatch(o -> o.failure == null);
    } finally {
      await(member.close());
    }
  }

  record Outcome(JsonObject body, Throwable failure) {
  }

  /** {@code n} customers.get requests from node A at once, each waiting at most SHORT_TIMEOUT_MS. */
  static List<Outcome> sendsFromA(String customerId, int n) {
    List<Future<Outcome>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(nodeA.eventBus().<JsonObject>request(Addresses.CUSTOMERS_GET, new JsonObject().put("id", customerId),
          new DeliveryOptions().setSendTimeout(SHORT_TIMEOUT_MS))
        .map(m -> new Outcome(m.body(), null)).otherwise(err -> new Outcome(null, err)));
    }
    await(Future.all(all));
    return all.stream().map(Future::result).toList();
  }

  private void shutOut(JsonObject intruderConfig, String kind) {
    JsonObject customer = createCustomer();
    Vertx intruder = await(Nodes.build(intruderConfig.put("VERTICLES", "")));
    try {
      // Hazelcast membership is not what TLS guards: the intruder is a member and sees the node list.
      String intruderId = Nodes.clusterManager(intruder).getNodeId();
      assertThat(nodeIds(nodeA)).contains(intruderId);
      assertThat(nodeIds(intruder)).contains(Nodes.clusterManager(nodeA).getNodeId(),
        Nodes.clusterManager(nodeB).getNodeId());

      // 1. It cannot get a reply: the request fails (no reply, so TIMEOUT), and node B's consumer never sees it.
      String getTag = kind + "-get-" + UUID.randomUUID();
      Throwable getFailure = await(intruder.eventBus().request(Addresses.CUSTOMERS_GET,
          new JsonObject().put("id", customer.getString("id")),
          new DeliveryOptions().setSendTimeout(SHORT_TIMEOUT_MS).addHeader(PROBE, getTag))
        .map(m -> (Throwable) null).otherwise(err -> err));
      assertThat(getFailure).as("customers.get from a node without a cluster certificate").isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) getFailure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
      // ...nor can it write: a customers.create from it stores nothing.
      String email = "intruder-" + UUID.randomUUID() + "@example.com";
      String createTag = kind + "-create-" + UUID.randomUUID();
      Throwable createFailure = await(intruder.eventBus().request(Addresses.CUSTOMERS_CREATE,
          new JsonObject().put("name", "Intruder").put("email", email),
          new DeliveryOptions().setSendTimeout(SHORT_TIMEOUT_MS).addHeader(PROBE, createTag))
        .map(m -> (Throwable) null).otherwise(err -> err));
      assertThat(createFailure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) createFailure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
      assertThat(probesAtB).doesNotContain(getTag, createTag);
      assertThat(customersWithEmail(email)).isZero();

      // 2. It cannot receive a request: it registers its own customers.get consumer (the subscription map takes it,
      // so node A round-robins to it), and that consumer is never invoked; the sends that go its way fail, the others
      // are served by node B.
      AtomicInteger invoked = new AtomicInteger();
      MessageConsumer<JsonObject> consumer = intruder.eventBus().consumer(Addresses.CUSTOMERS_GET, m -> {
        invoked.incrementAndGet();
        m.reply(new JsonObject().put("id", m.body().getString("id")).put("email", "intruder@example.com"));
      });
      await(consumer.completion());
      awaitRegistration(intruder, Addresses.CUSTOMERS_GET);
      List<Outcome> outcomes = sendsFromA(customer.getString("id"), 10);
      List<Outcome> served = outcomes.stream().filter(o -> o.failure == null).toList();
      List<Outcome> failed = outcomes.stream().filter(o -> o.failure != null).toList();
      assertThat(invoked.get()).as("the intruder's consumer").isZero();
      assertThat(served).as("node B keeps serving its share").isNotEmpty()
        .allMatch(o -> customer.getString("email").equals(o.body.getString("email")));
      assertThat(failed).as("the sends the round robin gave the intruder fail").isNotEmpty()
        .allMatch(o -> o.failure instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT);

      // And through the REST API: never the intruder's answer; 200 from node B or 503 for the intruder's turn.
      for (int i = 0; i < 4; i++) {
        HttpResponse<Buffer> r = await(http.get("/v1/customers/" + customer.getString("id"))
          .bearerTokenAuthentication(admin).putHeader("Cache-Control", "no-cache").send());
        assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 503);
        if (r.statusCode() == 200) {
          assertThat(r.bodyAsJsonObject().getString("email")).isEqualTo(customer.getString("email"));
        }
      }
      assertThat(invoked.get()).isZero();
    } finally {
      await(intruder.close());
    }
  }
}
