package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.Cursor;
import com.favoriteproducts.bus.Paging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code favorites.get} and {@code favorites.list}: stored favorites described by the product service. One
 * {@code products.getMany} per page (the product service answers from its cache); when it does not answer within
 * FAVORITES_LIST_PRODUCTS_TIMEOUT_MS, every item is served from its snapshot, marked STALE.
 */
final class FavoriteReads {

  private static final Logger LOG = LoggerFactory.getLogger(FavoriteReads.class);

  private final Vertx vertx;
  private final FavoriteRepository favorites;
  private final DeliveryOptions productsOptions;

  /** A list's position: the last row's time and product. */
  private record After(OffsetDateTime at, UUID productId) {
  }

  FavoriteReads(Vertx vertx, FavoriteRepository favorites, long productsTimeoutMs) {
    this.vertx = vertx;
    this.favorites = favorites;
    this.productsOptions = new DeliveryOptions().setSendTimeout(productsTimeoutMs);
  }

  Future<JsonObject> get(UUID customerId, UUID productId) {
    return favorites.find(customerId, productId)
      .compose(f -> f == null ? notFound(customerId, productId) : describe(f));
  }

  /** A page, newest first: {@code {items, nextCursor}} ({@code limit} and {@code cursor} from the request). */
  Future<JsonObject> list(UUID customerId, JsonObject body) {
    int limit = Paging.limit(body);
    After after = Cursor.read(body.getString("cursor"),
      key -> new After(fromMicros(key.getLong(0)), UUID.fromString(key.getString(1))));
    return favorites.page(customerId, after == null ? null : after.at(), after == null ? null : after.productId(),
      limit + 1).compose(page -> {
        if (!page.customerExists()) {
          return customerNotFound(customerId);
        }
        List<Favorite> rows = page.rows().size() > limit ? page.rows().subList(0, limit) : page.rows();
        String next = page.rows().size() > limit ? Cursor.encode(new JsonArray()
          .add(micros(rows.get(limit - 1).addedAt())).add(rows.get(limit - 1).productId().toString())) : null;
        return describe(customerId, rows).map(items -> new JsonObject().put("items", items).put("nextCursor", next));
      });
  }

  /** 404: the product is not a favorite of the customer, or the customer does not exist. */
  Future<JsonObject> notFound(UUID customerId, UUID productId) {
    return favorites.customerExists(customerId).compose(exists -> exists
      ? BusFailure.fail(BusFailure.NOT_FOUND, "product " + productId + " is not a favorite of customer " + customerId)
      : customerNotFound(customerId));
  }

  static <T> Future<T> customerNotFound(UUID customerId) {
    return BusFailure.fail(BusFailure.NOT_FOUND, "customer " + customerId + " not found");
  }

  Future<JsonObject> describe(Favorite f) {
    return describe(f.customerId(), List.of(f)).map(items -> items.getJsonObject(0));
  }

  /** The favorites as the API shows them; snapshots older than what the product service knows are refreshed aside. */
  private Future<JsonArray> describe(UUID customerId, List<Favorite> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    JsonArray ids = new JsonArray();
    rows.forEach(f -> ids.add(f.productId().toString()));
    return vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", ids),
        productsOptions)
      .map(reply -> {
        Map<String, JsonObject> byId = new HashMap<>();
        JsonArray products = reply.body().getJsonArray("products", new JsonArray());
        for (int i = 0; i < products.size(); i++) {
          JsonObject p = products.getJsonObject(i);
          byId.put(p.getString("id", "").toLowerCase(), p);
        }
        return byId;
      })
      .otherwise(err -> {
        LOG.warn("products.getMany did not answer ({}); serving {} favorites of customer {} from snapshots",
          err.getMessage(), rows.size(), customerId);
        return Map.of();
      })
      .map(byId -> {
        JsonArray items = new JsonArray();
        List<JsonObject> newer = new ArrayList<>();
        for (Favorite f : rows) {
          JsonObject p = byId.get(f.productId().toString());
          items.add(f.toJson(p));
          if (p != null && Availability.of(p) == Availability.AVAILABLE && f.differsFrom(p)) {
            newer.add(p);
          }
        }
        if (!newer.isEmpty()) {
          favorites.refreshSnapshots(customerId, newer)
            .onFailure(err -> LOG.debug("snapshot refresh failed: {}", err.getMessage()));
        }
        return items;
      });
  }

  static long micros(OffsetDateTime t) {
    Instant i = t.toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  static OffsetDateTime fromMicros(long micros) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
      Math.floorMod(micros, 1_000_000L) * 1000L), ZoneOffset.UTC);
  }
}
