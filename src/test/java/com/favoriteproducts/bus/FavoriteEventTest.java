package com.favoriteproducts.bus;

import com.favoriteproducts.support.CloudEvents;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FavoriteEventTest {

  private final UUID customer = UUID.randomUUID();
  private final UUID product = UUID.randomUUID();

  @Test
  @DisplayName("both kinds are valid CloudEvents 1.0 with the documented attributes, and read back as themselves")
  void cloudEvents() {
    for (FavoriteEvent.Kind kind : FavoriteEvent.Kind.values()) {
      FavoriteEvent e = FavoriteEvent.now(kind, customer, product);
      JsonObject ce = e.toCloudEvent();
      CloudEvents.assertFavoriteEvent(ce, kind, customer.toString(), product.toString());
      assertThat(ce.getString("id")).isEqualTo(e.id().toString());
      assertThat(FavoriteEvent.fromCloudEvent(new JsonObject(ce.encode()))).isEqualTo(e);
      assertThat(e.toInternal()).isEqualTo(ce.getJsonObject("data"));
    }
    assertThat(FavoriteEvent.now(FavoriteEvent.Kind.ADDED, customer, product).id())
      .isNotEqualTo(FavoriteEvent.now(FavoriteEvent.Kind.ADDED, customer, product).id());
  }

  @Test
  @DisplayName("the schema check is not vacuous: an event without id or with a bad time fails it")
  void schemaRejects() {
    JsonObject ce = FavoriteEvent.now(FavoriteEvent.Kind.ADDED, customer, product).toCloudEvent();
    assertThat(CloudEvents.validate(ce.copy().put("time", "yesterday")).getValid()).isFalse();
    JsonObject noId = ce.copy();
    noId.remove("id");
    assertThat(CloudEvents.validate(noId).getValid()).isFalse();
    assertThat(CloudEvents.validate(ce.copy().put("specversion", 1)).getValid()).isFalse();
  }

  @Test
  @DisplayName("names, types and addresses; a foreign CloudEvent is refused")
  void names() {
    assertThat(FavoriteEvent.Kind.ofEventName("favorite.removed")).isEqualTo(FavoriteEvent.Kind.REMOVED);
    assertThat(FavoriteEvent.Kind.ofEventName("favorites.removed")).isNull();
    assertThat(FavoriteEvent.Kind.ADDED.cloudEventType()).isEqualTo("com.favoriteproducts.favorite.added");
    assertThat(FavoriteEvent.address(UUID.fromString("AAAAAAAA-0000-0000-0000-00000000000A")))
      .isEqualTo("favorites.events.aaaaaaaa-0000-0000-0000-00000000000a");
    assertThat(new FavoriteEvent(UUID.randomUUID(), FavoriteEvent.Kind.ADDED, customer, product,
      Instant.parse("2026-12-02T04:00:00.123456789Z")).at()).isEqualTo(Instant.parse("2026-12-02T04:00:00.123456Z"));
    assertThatThrownBy(() -> FavoriteEvent.fromCloudEvent(new JsonObject().put("type", "com.example.other")))
      .isInstanceOf(IllegalArgumentException.class);
  }
}
