package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.Cursor;
import com.favoriteproducts.bus.Paging;
import com.favoriteproducts.bus.ProductView;
import com.favoriteproducts.db.ReadPools;
import com.favoriteproducts.logging.LogContext;
import com.favoriteproducts.product.LocalCache;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code favorites.get} and {@code favorites.list}: stored favorites described by the product service. One
 * {@code products.getMany} per page for the products the node's product cache does not hold (the product service
 * answers from its cache); when it does not answer within FAVORITES_LIST_PRODUCTS_TIMEOUT_MS, those items are served
 * from their snapshots, marked STALE. The rows are read where {@link ReadPools} says (a replica that has replayed the
 * customer's last change, else the primary; what a replica does not have is looked up on the primary); snapshot
 * refreshes are written on the primary.
 */
final class FavoriteReads {

  private static final Logger LOG = LoggerFactory.getLogger(FavoriteReads.class);

  private final Vertx vertx;
  private final FavoriteRepository favorites;
  private final ReadPools reads;
  private final DeliveryOptions productsOptions;
  private final LocalCache productCache;
  private final Counter localHits;

  /** A list's position: the last row's time and product. */
  private record After(OffsetDateTime at, UUID productId) {
  }

  FavoriteReads(Vertx vertx, FavoriteRepository favorites, ReadPools reads, long productsTimeoutMs,
                LocalCache productCache, Counter localHits) {
    this.vertx = vertx;
    this.favorites = favorites;
    this.reads = reads;
    this.productsOptions = new DeliveryOptions().setSendTimeout(productsTimeoutMs);
    this.productCache = productCache;
    this.localHits = localHits;
  }

  Future<JsonObject> get(UUID customerId, UUID productId) {
    return reads.read(customerId.toString(), p -> new FavoriteRepository(p).find(customerId, productId), f -> f == null)
      .compose(f -> f == null ? notFound(customerId, productId) : describe(f));
  }

  /**
   * A page, newest first: {@code {items, nextCursor}} ({@code limit} and {@code cursor} from the request); with
   * {@code asBytes}, the same object as JSON text in a Buffer (written straight from the rows, no JSON objects built).
   */
  Future<?> list(UUID customerId, JsonObject body, boolean asBytes) {
    int limit = Paging.limit(body);
    After after = Cursor.read(body.getString("cursor"),
      key -> new After(fromMicros(key.getLong(0)), UUID.fromString(key.getString(1))));
    return reads.read(customerId.toString(), p -> new FavoriteRepository(p).page(customerId,
        after == null ? null : after.at(), after == null ? null : after.productId(), limit + 1),
      page -> !page.customerExists()).compose(page -> {
        if (!page.customerExists()) {
          return customerNotFound(customerId);
        }
        List<Favorite> rows = page.rows().size() > limit ? page.rows().subList(0, limit) : page.rows();
        String next = page.rows().size() > limit ? Cursor.encode(new JsonArray()
          .add(micros(rows.get(limit - 1).addedAt())).add(rows.get(limit - 1).productId().toString())) : null;
        return products(customerId, rows).map(views -> {
          refreshSnapshots(customerId, rows, views);
          return asBytes ? render(rows, views, next) : new JsonObject().put("items", items(rows, views))
            .put("nextCursor", next);
        });
      });
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** {@code {"items": [...], "nextCursor": ...}} as UTF-8 JSON text; {@code views[i]} describes {@code rows[i]}. */
  static Buffer render(List<Favorite> rows, ProductView[] views, String next) {
    ByteArrayBuilder out = new ByteArrayBuilder(256 + rows.size() * 320);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("items");
      for (int i = 0; i < rows.size(); i++) {
        rows.get(i).writeTo(g, views[i]);
      }
      g.writeEndArray();
      if (next == null) {
        g.writeNullField("nextCursor");
      } else {
        g.writeStringField("nextCursor", next);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** 404: the product is not a favorite of the customer, or the customer does not exist. */
  Future<JsonObject> notFound(UUID customerId, UUID productId) {
    return reads.read(customerId.toString(), p -> new FavoriteRepository(p).customerExists(customerId), e -> !e)
      .compose(exists -> exists
      ? BusFailure.fail(BusFailure.NOT_FOUND, "product " + productId + " is not a favorite of customer " + customerId)
      : customerNotFound(customerId));
  }

  static <T> Future<T> customerNotFound(UUID customerId) {
    return BusFailure.fail(BusFailure.NOT_FOUND, "customer " + customerId + " not found");
  }

  Future<JsonObject> describe(Favorite f) {
    List<Favorite> rows = List.of(f);
    return products(f.customerId(), rows).map(views -> {
      refreshSnapshots(f.customerId(), rows, views);
      return f.toJson(views[0]);
    });
  }

  /**
   * What the product service knows of the favorites' products, {@code views[i]} for {@code rows[i]} (null: not known
   * now, the snapshot describes it). Products the node's product cache holds fresh are taken from it, as the views it
   * made when it took them; {@code products.getMany} is asked only about the others (none, for most lists), and when
   * it does not answer those are served from their snapshots.
   */
  private Future<ProductView[]> products(UUID customerId, List<Favorite> rows) {
    ProductView[] views = new ProductView[rows.size()];
    Map<String, Integer> missing = null;
    for (int i = 0; i < views.length; i++) {
      UUID id = rows.get(i).productId();
      ProductView p = productCache.view(id);
      if (p != null) {
        views[i] = p;
      } else {
        if (missing == null) {
          missing = new HashMap<>(rows.size() * 2);
        }
        missing.put(id.toString(), i);
      }
    }
    if (missing == null) {
      localHits.increment(views.length);
      return Future.succeededFuture(views);
    }
    localHits.increment(views.length - missing.size());
    Map<String, Integer> asked = missing;
    return vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_GET_MANY,
        new JsonObject().put("ids", new JsonArray(new ArrayList<>(asked.keySet()))),
        LogContext.withRequestId(productsOptions))
      .map(reply -> {
        JsonArray products = reply.body().getJsonArray("products", new JsonArray());
        for (int i = 0; i < products.size(); i++) {
          // Another service's reply: an entry that is not an object, or names no id asked for, is left out (its
          // favorite is served from the snapshot) and does not stop the others.
          if (products.getValue(i) instanceof JsonObject p && p.getValue("id") instanceof String id) {
            Integer at = asked.get(id.toLowerCase(Locale.ROOT));
            if (at != null) {
              views[at] = ProductView.of(p);
            }
          }
        }
        return views;
      })
      .otherwise(err -> {
        LOG.warn("products.getMany did not answer ({}); serving {} favorites of customer {} from snapshots",
          err.getMessage(), asked.size(), customerId);
        return views;
      });
  }

  private static JsonArray items(List<Favorite> rows, ProductView[] views) {
    JsonArray items = new JsonArray(new ArrayList<>(rows.size()));
    for (int i = 0; i < views.length; i++) {
      items.add(rows.get(i).toJson(views[i]));
    }
    return items;
  }

  /** Snapshots older than what the product service knows are refreshed aside (best effort, one statement). */
  private void refreshSnapshots(UUID customerId, List<Favorite> rows, ProductView[] views) {
    Map<UUID, ProductView> newer = null;
    for (int i = 0; i < views.length; i++) {
      ProductView p = views[i];
      Favorite f = rows.get(i);
      if (p != null && p.availability() == Availability.AVAILABLE && f.differsFrom(p)) {
        if (newer == null) {
          newer = new LinkedHashMap<>();
        }
        newer.put(f.productId(), p);
      }
    }
    if (newer != null) {
      favorites.refreshSnapshots(customerId, newer)
        .onFailure(err -> LOG.debug("snapshot refresh failed: {}", err.getMessage()));
    }
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
