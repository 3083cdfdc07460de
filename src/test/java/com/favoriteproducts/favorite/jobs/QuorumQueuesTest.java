package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Rabbit;
import com.favoriteproducts.support.TestApp;
import com.rabbitmq.client.AMQP;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RABBITMQ_QUEUE_TYPE=quorum on a prefix where an earlier, classic installation left queues with messages in them:
 * the service declares quorum queues with the documented arguments (read back with {@code rabbitmqctl list_queues},
 * read-only), moves the classic queues' messages into them and deletes the classic queues, and the job path works on
 * quorum queues: adds stored, retries through the quorum retry queues (per-queue TTL), dead-lettering at least once.
 * The delivery limit is shown on a topology of its own without a consumer: a message requeued more often than the
 * limit is dead-lettered by the broker.
 */
@DisplayName("Quorum queues (RABBITMQ_QUEUE_TYPE=quorum), and the migration from classic ones")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumQueuesTest {

  static final String PREFIX = "test-quorum-" + UUID.randomUUID().toString().substring(0, 6);
  static final List<Long> DELAYS = List.of(100L, 200L);

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> {
    c.put("RABBITMQ_QUEUE_PREFIX", PREFIX).put("SHARE_RABBITMQ_PREFIX", true)
      .put("JOBS_MAX_ATTEMPTS", 3).put("JOBS_RETRY_DELAYS_MS", "100,200").put("PRODUCTS_BREAKER_RESET_MS", 200);
    leaveAClassicTopology(c);
    return c.put("RABBITMQ_QUEUE_TYPE", "quorum").put("RABBITMQ_DELIVERY_LIMIT", 5);
  });
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  /** What a classic installation of this prefix leaves: its queues, 3 messages waiting for work, 1 dead. */
  private static void leaveAClassicTopology(JsonObject config) {
    Vertx vertx = Vertx.vertx();
    try {
      RabbitMQClient c = Rabbit.client(vertx, config);
      RabbitTopology classic = new RabbitTopology(PREFIX, DELAYS);
      await(classic.declare(c));
      AMQP.BasicProperties props = RabbitConnection.persistentJson(UUID.randomUUID().toString(), null);
      await(c.confirmSelect());
      for (int i = 0; i < 3; i++) {
        await(c.basicPublish(classic.workExchange(), RabbitTopology.ROUTING_KEY, props, Buffer.buffer("not a job " + i)));
      }
      await(c.basicPublish(classic.deadExchange(), "", props, Buffer.buffer("dead before the migration")));
      await(c.waitForConfirms(10_000));
      await(c.stop());
    } finally {
      await(vertx.close());
    }
  }

  /** name -> "type arguments" of this prefix's queues, from {@code rabbitmqctl list_queues} (read-only). */
  private static Map<String, String> queues() {
    try {
      Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name", "type", "arguments")
        .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return out.lines().filter(l -> l.startsWith(PREFIX + "."))
        .collect(Collectors.toMap(l -> l.split("\t")[0], l -> l.substring(l.indexOf('\t') + 1)));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(1) // first: it counts the dead-letter queue's messages
  @DisplayName("the work, retry and dead-letter queues are quorum queues with at-least-once dead-lettering, "
    + "reject-publish overflow, the delivery limit and the retry TTLs; the classic queues of the prefix are gone, "
    + "their messages moved (the 3 non-jobs dead-lettered by the consumer, the dead one kept)")
  void declaredAndMigrated() {
    assumeTrue(queues() != null, "rabbitmqctl on PATH (the broker is this machine's)");
    Eventually.until(20_000, "the classic queues are deleted once emptied", () -> {
      Map<String, String> q = queues();
      return !q.containsKey(PREFIX + ".work") && !q.containsKey(PREFIX + ".dead")
        && !q.containsKey(PREFIX + ".retry.100") && !q.containsKey(PREFIX + ".retry.200");
    });
    Map<String, String> q = queues();
    assertThat(q.get(PREFIX + ".work.q")).as(q.toString()).startsWith("quorum")
      .contains("x-delivery-limit", "5").contains("x-dead-letter-strategy", "at-least-once")
      .contains("x-overflow", "reject-publish").contains("x-dead-letter-exchange", PREFIX + ".dead");
    for (long d : DELAYS) {
      assertThat(q.get(PREFIX + ".retry.q." + d)).as(q.toString()).startsWith("quorum")
        .contains("x-message-ttl", String.valueOf(d)).contains("at-least-once").contains("reject-publish")
        .contains("x-dead-letter-exchange", PREFIX + ".work");
    }
    assertThat(q.get(PREFIX + ".dead.q")).as(q.toString()).startsWith("quorum");
    RabbitMQClient c = Rabbit.client(app.vertx, app.config);
    try {
      long[] n = {-1};
      try {
        Eventually.until(20_000, "the 3 moved non-jobs and the moved dead message are in the quorum dead-letter queue",
          () -> (n[0] = await(c.messageCount(PREFIX + ".dead.q"))) == 4);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + " (it holds " + n[0] + "; queues " + queues() + ")", e);
      }
    } finally {
      await(c.stop());
    }
  }

  @Test
  @Order(2)
  @DisplayName("on quorum queues: an add is stored; with the product API down a job is retried through the quorum "
    + "retry queues, dead after its attempts and in the dead-letter queue; replayed, it is stored")
  void jobsFlow() {
    String customer = api.newCustomer();
    String stored = app.fakeProducts.newProduct().getString("id");
    api.addNow(customer, stored);
    assertThat(api.storedProducts(customer)).contains(stored);

    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.down(true);
    String jobId;
    long deadBefore;
    RabbitMQClient c = Rabbit.client(app.vertx, app.config);
    try {
      deadBefore = await(c.messageCount(PREFIX + ".dead.q"));
      jobId = api.put(customer, p).bodyAsJsonObject().getString("jobId");
      Eventually.until(15_000, "the job is dead after 3 attempts", () -> "failed".equals(api.jobStatus(jobId)));
      assertThat(api.job(jobId).getInteger("attempts")).isEqualTo(3);
      Eventually.until(10_000, "the quorum dead-letter queue has it",
        () -> await(c.messageCount(PREFIX + ".dead.q")) > deadBefore);
    } finally {
      await(c.stop());
    }
    app.fakeProducts.down(false);
    Eventually.until(10_000, "the product API answers through the service", () ->
      await(app.http.get("/v1/products/" + p).bearerTokenAuthentication(api.admin).send()).statusCode() == 200);
    HttpResponse<Buffer> replay = await(app.http.post("/v1/admin/jobs/dead/replay")
      .bearerTokenAuthentication(api.admin).send());
    assertThat(replay.statusCode()).as(replay.bodyAsString()).isEqualTo(200);
    Eventually.until(10_000, "the replayed job is done", () -> "done".equals(api.jobStatus(jobId)));
    assertThat(api.storedProducts(customer)).contains(p);
  }

  @Test
  @Order(3)
  @DisplayName("a message delivered more than RABBITMQ_DELIVERY_LIMIT times (requeued each time) is dead-lettered "
    + "by the broker instead of looping")
  void deliveryLimit() {
    String prefix = PREFIX + "-limit";
    RabbitTopology t = new RabbitTopology(prefix, DELAYS, true, 2);
    RabbitMQClient c = Rabbit.client(app.vertx, app.config);
    try {
      await(t.declare(c));
      await(c.confirmSelect());
      await(c.basicPublish(t.workExchange(), RabbitTopology.ROUTING_KEY,
        RabbitConnection.persistentJson("poison", null), Buffer.buffer("poison")));
      await(c.waitForConfirms(10_000));
      int deliveries = 0;
      for (int i = 0; i < 10; i++) {
        RabbitMQMessage m = await(c.basicGet(t.workQueue(), false));
        if (m == null) {
          break;
        }
        deliveries++;
        await(c.basicNack(m.envelope().getDeliveryTag(), false, true));
      }
      assertThat(deliveries).as("delivered up to the limit, then no more").isBetween(2, 3);
      Eventually.until(10_000, "the broker dead-lettered it", () -> await(c.messageCount(t.deadQueue())) == 1);
      assertThat(await(c.messageCount(t.workQueue()))).isZero();
    } finally {
      await(t.delete(c));
      await(c.stop());
    }
  }
}
