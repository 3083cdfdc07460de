package com.favoriteproducts.webhook;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.support.CloudEvents;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.StandardWebhooks;
import com.favoriteproducts.support.TestApp;
import com.favoriteproducts.support.WebhookReceiver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("webhook deliveries: signed CloudEvents, in order per customer, retried with one webhook-id, isolated")
class WebhookDeliveryTest {

  /** Four attempts 300 ms apart, a one-second timeout: every failure mode ends within seconds. */
  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("WEBHOOKS_POLL_MS", 200)
    .put("WEBHOOKS_RETRY_DELAYS_MS", "300,300,300").put("WEBHOOKS_TIMEOUT_MS", 1000)
    .put("WEBHOOKS_MAX_IN_FLIGHT", 6).put("WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK", 2));

  private FavoritesClient client;
  private Webhooks hooks;
  private final List<WebhookReceiver> receivers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    client = FavoritesClient.of(app);
    hooks = new Webhooks(app);
  }

  @AfterEach
  void cleanUp() {
    hooks.deleteAll();
    receivers.forEach(WebhookReceiver::close);
  }

  private WebhookReceiver receiver() {
    WebhookReceiver r = WebhookReceiver.start();
    receivers.add(r);
    return r;
  }

  @Test
  @DisplayName("an add and a remove reach the receiver in order, signed, as the bus's CloudEvents; the rows end delivered")
  void addAndRemove() {
    WebhookReceiver receiver = receiver();
    JsonObject hook = hooks.register(receiver.url());
    String customer = client.newCustomer();
    String product = app.fakeProducts.newProduct().getString("id");
    List<JsonObject> onBus = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> bus = app.vertx.eventBus().consumer(FavoriteEvent.address(UUID.fromString(customer)),
      m -> onBus.add(m.body()));
    await(bus.completion());
    try {
      client.addNow(customer, product);
      assertThat(client.delete(customer, product).statusCode()).isEqualTo(204);
      Eventually.until(10_000, "both events delivered", () -> receiver.accepted(customer).size() == 2);
      Eventually.until(5_000, "both events on the bus", () -> onBus.size() == 2);
    } finally {
      bus.unregister();
    }
    List<WebhookReceiver.Received> got = receiver.about(customer);
    assertThat(got).hasSize(2);
    CloudEvents.assertFavoriteEvent(got.get(0).json(), FavoriteEvent.Kind.ADDED, customer, product);
    CloudEvents.assertFavoriteEvent(got.get(1).json(), FavoriteEvent.Kind.REMOVED, customer, product);
    for (WebhookReceiver.Received r : got) {
      assertThat(r.contentType()).isEqualTo("application/cloudevents+json");
      assertThat(StandardWebhooks.verifies(hook.getString("secret"), r)).as("signature").isTrue();
      assertThat(StandardWebhooks.verifies(hooks.register("http://example.com/x").getString("secret"), r))
        .as("another secret does not verify").isFalse();
    }
    assertThat(got.get(0).webhookId()).isNotEqualTo(got.get(1).webhookId());
    // The same events as the bus: same ids, same bodies.
    assertThat(got.stream().map(r -> r.json()).toList()).containsExactlyElementsOf(onBus);
    assertThat(hooks.statuses(hook.getString("id"), customer)).containsExactly("delivered", "delivered");
    JsonArray listed = hooks.deliveries(hook.getString("id"), "status=delivered");
    Set<String> ids = new HashSet<>();
    listed.forEach(o -> ids.add(((JsonObject) o).getString("id")));
    assertThat(ids).contains(got.get(0).webhookId(), got.get(1).webhookId());
  }

  @Test
  @DisplayName("after a rotation a delivery carries both signatures: the new secret's and, during the grace, the old one's")
  void rotationOverlap() {
    WebhookReceiver receiver = receiver();
    JsonObject hook = hooks.register(receiver.url());
    String old = hook.getString("secret");
    String fresh = hooks.rotate(hook.getString("id")).bodyAsJsonObject().getString("secret");
    String customer = client.newCustomer();
    client.addNow(customer, app.fakeProducts.newProduct().getString("id"));
    Eventually.until(10_000, "delivered", () -> receiver.accepted(customer).size() == 1);
    WebhookReceiver.Received r = receiver.accepted(customer).get(0);
    assertThat(r.signature().split(" ")).hasSize(2);
    assertThat(StandardWebhooks.verifies(fresh, r)).isTrue();
    assertThat(StandardWebhooks.verifies(old, r)).isTrue();
  }

  @Test
  @DisplayName("a receiver that answers 500, then whose port is closed, gets the event again with the same webhook-id once back")
  void retriedUntilBack() {
    WebhookReceiver receiver = receiver();
    receiver.answer(500);
    JsonObject hook = hooks.register(receiver.url());
    String customer = client.newCustomer();
    String product = app.fakeProducts.newProduct().getString("id");
    client.addNow(customer, product);
    Eventually.until(10_000, "a first attempt answered 500", () -> !receiver.about(customer).isEmpty());
    receiver.down();
    Eventually.until(10_000, "a second attempt (refused connection) counted", () -> client.count(
      "SELECT coalesce(max(attempts), 0) FROM webhook_deliveries WHERE webhook_id = $1 AND customer_id = $2",
      UUID.fromString(hook.getString("id")), UUID.fromString(customer)) >= 2);
    receiver.answer(200);
    receiver.up();
    Eventually.until(10_000, "delivered once back", () -> receiver.accepted(customer).size() == 1);
    List<WebhookReceiver.Received> got = receiver.about(customer);
    assertThat(got.size()).isGreaterThanOrEqualTo(2);
    assertThat(got.stream().map(WebhookReceiver.Received::webhookId).distinct().toList()).hasSize(1);
    assertThat(got.stream().map(r -> r.json().getString("id")).distinct().toList()).hasSize(1);
    got.forEach(r -> assertThat(StandardWebhooks.verifies(hook.getString("secret"), r)).isTrue());
    Eventually.until(5_000, "the row delivered", () ->
      hooks.statuses(hook.getString("id"), customer).equals(List.of("delivered")));
  }

  @Test
  @DisplayName("a delivery that never succeeds ends failed after the last attempt and is listed; a 302 is not followed")
  void failsAndIsListed() {
    WebhookReceiver target = receiver();
    WebhookReceiver redirecting = receiver();
    redirecting.redirectTo(target.url());
    JsonObject hook = hooks.register(redirecting.url());
    String customer = client.newCustomer();
    String product = app.fakeProducts.newProduct().getString("id");
    client.addNow(customer, product);
    Eventually.until(15_000, "failed after 4 attempts", () ->
      hooks.statuses(hook.getString("id"), customer).equals(List.of("failed")));
    assertThat(redirecting.about(customer)).hasSize(4);
    assertThat(target.received()).as("the redirect target gets nothing").isEmpty();
    JsonArray failed = hooks.deliveries(hook.getString("id"), "status=failed");
    assertThat(failed).hasSize(1);
    JsonObject d = failed.getJsonObject(0);
    assertThat(d.getInteger("attempts")).isEqualTo(4);
    assertThat(d.getInteger("lastStatus")).isEqualTo(302);
    assertThat(d.getString("failedAt")).isNotBlank();
    assertThat(d.getString("id")).isEqualTo(redirecting.about(customer).get(0).webhookId());
  }

  @Test
  @DisplayName("a receiver that never answers holds only its own slots: a healthy one gets every event meanwhile")
  void isolation() {
    WebhookReceiver hanging = receiver();
    hanging.hang();
    WebhookReceiver healthy = receiver();
    JsonObject stuck = hooks.register(hanging.url());
    hooks.register(healthy.url());
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String customer = client.newCustomer();
      customers.add(customer);
      HttpResponse<Buffer> r = client.put(customer, app.fakeProducts.newProduct().getString("id"), client.admin, 10);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    }
    Eventually.until(10_000, "the healthy receiver got all six", () ->
      customers.stream().allMatch(c -> healthy.accepted(c).size() == 1));
    long stillPending = client.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1"
      + " AND status = 'pending'", UUID.fromString(stuck.getString("id")));
    assertThat(stillPending).as("the hanging receiver's deliveries are still being retried").isGreaterThan(0);
    assertThat(hanging.received().size()).as("at most its slots at once").isGreaterThan(0);
  }

  @Test
  @DisplayName("the outbox has a row for every stored favorite event, none for a duplicate add or an unknown product")
  void outboxAtomicity() {
    WebhookReceiver receiver = receiver();
    JsonObject hook = hooks.register(receiver.url());
    String webhookId = hook.getString("id");
    String customer = client.newCustomer();
    String product = app.fakeProducts.newProduct().getString("id");
    client.addNow(customer, product);
    assertThat(client.put(customer, product, client.admin, 5).statusCode()).as("already stored").isEqualTo(200);
    assertThat(client.put(customer, UUID.randomUUID().toString(), client.admin, 10).statusCode())
      .as("unknown product").isEqualTo(404);
    assertThat(client.delete(customer, UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
    assertThat(client.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND customer_id = $2",
      UUID.fromString(webhookId), UUID.fromString(customer))).isEqualTo(1);
    assertThat(client.count("SELECT count(*) FROM favorites f JOIN webhook_deliveries d ON d.customer_id = f.customer_id"
        + " AND d.product_id = f.product_id AND d.event_type = 'favorite.added' AND d.event_at = f.added_at"
        + " WHERE f.customer_id = $1 AND d.webhook_id = $2", UUID.fromString(customer), UUID.fromString(webhookId)))
      .isEqualTo(1);
    Eventually.until(10_000, "delivered", () -> receiver.accepted(customer).size() == 1);
  }
}
