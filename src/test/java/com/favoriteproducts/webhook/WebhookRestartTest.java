package com.favoriteproducts.webhook;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.support.CloudEvents;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.StandardWebhooks;
import com.favoriteproducts.support.TestApp;
import com.favoriteproducts.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("webhooks survive a restart: events written while the receiver is down are delivered by the next process")
class WebhookRestartTest {

  private static JsonObject config() {
    return TestApp.defaultConfig().put("WEBHOOKS_POLL_MS", 200).put("WEBHOOKS_RETRY_DELAYS_MS", "300,300,300,300,300,"
      + "300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300,300")
      .put("WEBHOOKS_TIMEOUT_MS", 1000).put("WEBHOOKS_DNS_TIMEOUT_MS", 500);
  }

  @Test
  @DisplayName("adds and a remove while the receiver answers 503, the service restarted, the receiver back: each event"
    + " delivered exactly once, in order")
  void restart() {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.answer(503);
      String customer;
      List<String> products = new ArrayList<>();
      JsonObject hook;
      try (TestApp first = TestApp.start(config())) {
        FavoritesClient client = FavoritesClient.of(first);
        hook = new Webhooks(first).register(receiver.url());
        customer = client.newCustomer();
        for (int i = 0; i < 3; i++) {
          products.add(first.fakeProducts.newProduct().getString("id"));
          client.addNow(customer, products.get(i));
        }
        assertThat(client.delete(customer, products.get(0)).statusCode()).isEqualTo(204);
        Eventually.until(10_000, "the receiver refused at least one attempt",
          () -> !receiver.about(customer).isEmpty());
        assertThat(receiver.accepted(customer)).isEmpty();
      }
      receiver.answer(200);
      try (TestApp second = TestApp.start(config())) {
        Webhooks hooks = new Webhooks(second);
        try {
          Eventually.until(20_000, "all four events delivered", () -> receiver.accepted(customer).size() >= 4);
          Eventually.holdsFor(1_000, "no duplicate", () -> receiver.accepted(customer).size() == 4);
          List<WebhookReceiver.Received> got = receiver.accepted(customer);
          Map<String, Integer> perEvent = new HashMap<>();
          got.forEach(r -> perEvent.merge(r.json().getString("id"), 1, Integer::sum));
          assertThat(perEvent).hasSize(4).allSatisfy((id, n) -> assertThat(n).as("event " + id).isEqualTo(1));
          // In order: the three adds, then the remove of the first.
          CloudEvents.assertFavoriteEvent(got.get(0).json(), FavoriteEvent.Kind.ADDED, customer, products.get(0));
          CloudEvents.assertFavoriteEvent(got.get(1).json(), FavoriteEvent.Kind.ADDED, customer, products.get(1));
          CloudEvents.assertFavoriteEvent(got.get(2).json(), FavoriteEvent.Kind.ADDED, customer, products.get(2));
          CloudEvents.assertFavoriteEvent(got.get(3).json(), FavoriteEvent.Kind.REMOVED, customer, products.get(0));
          got.forEach(r -> assertThat(StandardWebhooks.verifies(hook.getString("secret"), r)).isTrue());
          assertThat(hooks.statuses(hook.getString("id"), customer)).containsOnly("delivered").hasSize(4);
        } finally {
          hooks.delete(hook.getString("id"));
          assertThat(UUID.fromString(hook.getString("id"))).isNotNull();
        }
      }
    }
  }
}
