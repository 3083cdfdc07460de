package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A favorites list reads what {@code products.getMany} answers, and that answer comes from another verticle, maybe on
 * another node, maybe of another version: it is checked entry by entry where it enters. Here the product service is
 * replaced on the event bus by one that answers badly, and the list must still be served, each bad entry from its
 * stored snapshot, each good one as given (and its snapshot refreshed).
 */
@DisplayName("favorites list: products.getMany replies are checked entry by entry")
class ProductRepliesTest {

  // No in-process product cache: every list asks products.getMany. The edge response cache is off too, so that each
  // read below reaches the favorites verticle.
  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c.put("PRODUCTS_LOCAL_CACHE_SIZE", 0).put("RESPONSE_CACHE_SIZE", 0));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("a non-object entry, an entry for an id not asked, one without a usable title or price: snapshots; a good one, even upper-cased: live, and stored")
  void badEntries() {
    String c = api.newCustomer();
    Map<String, JsonObject> products = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      JsonObject p = app.fakeProducts.newProduct();
      HttpResponse<Buffer> r = api.put(c, p.getString("id"), api.admin, 10);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      products.put(p.getString("id"), p);
    }
    List<String> ids = api.storedProducts(c);
    assertThat(ids).hasSize(4);
    String missing = ids.get(0);
    String good = ids.get(1);
    String noTitle = ids.get(2);
    String textPrice = ids.get(3);

    // the product service is replaced by one that answers badly
    app.undeploy("products");
    List<JsonObject> asked = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> impostor = app.vertx.eventBus().consumer(Addresses.PRODUCTS_GET_MANY, m -> {
      asked.add(m.body());
      m.reply(new JsonObject().put("products", new JsonArray()
        .add("not an object")
        .add(42)
        .add(new JsonObject().put("id", UUID.randomUUID().toString()).put("title", "Never asked").put("price", 1)
          .put("availability", "AVAILABLE"))
        .add(entry(good.toUpperCase(Locale.ROOT), "Live title", 7).put("reviewScore", 3.5))
        .add(entry(noTitle, null, 8).put("title", 12))
        .add(entry(textPrice, "Has a title", 9).put("price", "nine"))));
    });
    try {
      HttpResponse<Buffer> r = api.list(c, "");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0).getJsonArray("ids")).containsExactlyInAnyOrderElementsOf(ids);
      Map<String, JsonObject> items = new HashMap<>();
      r.bodyAsJsonObject().getJsonArray("items").forEach(o -> {
        JsonObject item = (JsonObject) o;
        items.put(item.getString("productId"), item);
      });
      assertThat(items.keySet()).containsExactlyInAnyOrderElementsOf(ids);

      // the good entry, described as given
      JsonObject live = items.get(good);
      assertThat(live.getString("availability")).isEqualTo("AVAILABLE");
      assertThat(live.getString("title")).isEqualTo("Live title");
      assertThat(live.getValue("price")).isEqualTo(7);
      assertThat(live.getValue("reviewScore")).isEqualTo(3.5);
      // the others from the snapshots stored at the add, marked STALE with the time of the snapshot
      for (String id : List.of(missing, noTitle, textPrice)) {
        JsonObject item = items.get(id);
        assertThat(item.getString("availability")).as(id).isEqualTo("STALE");
        assertThat(item.getString("title")).as(id).isEqualTo(products.get(id).getString("title"));
        assertThat(item.getDouble("price")).as(id).isEqualTo(products.get(id).getDouble("price"));
        assertThat(item.getString("fetchedAt")).as(id).isNotNull();
      }

      // the good entry's snapshot is refreshed (aside, after the reply); the others keep theirs
      Eventually.until(5_000, "the good entry's snapshot is refreshed", () -> "Live title".equals(snapshot(c, good)
        .getString("title")));
      Row refreshed = snapshot(c, good);
      assertThat(refreshed.getDouble("price")).isEqualTo(7.0);
      assertThat(refreshed.getDouble("review_score")).isEqualTo(3.5);
      for (String id : List.of(missing, noTitle, textPrice)) {
        assertThat(snapshot(c, id).getString("title")).as(id).isEqualTo(products.get(id).getString("title"));
      }
    } finally {
      await(impostor.unregister());
    }
  }

  private static JsonObject entry(String id, String title, Object price) {
    return new JsonObject().put("id", id).put("title", title).put("brand", "B").put("image", "http://img/x.png")
      .put("price", price).put("availability", "AVAILABLE").put("fetchedAt", "2099-01-01T00:00:00Z");
  }

  private static Row snapshot(String customerId, String productId) {
    return await(app.db.preparedQuery("SELECT title, price, review_score FROM favorites WHERE customer_id = $1"
      + " AND product_id = $2").execute(Tuple.of(UUID.fromString(customerId), UUID.fromString(productId))))
      .iterator().next();
  }
}
