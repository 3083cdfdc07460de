package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The products, in a stable order, with each product's JSON encoded once and each page encoded on first use.
 * Reads are lock-free on an immutable snapshot; the admin upsert/delete replace the snapshot (copy on write),
 * which is cheap enough for tests and keeps the read path free of locks.
 */
public final class Catalog {

  public static final int PAGE_SIZE = 100;

  /** A product with its encoded JSON. */
  record Entry(Product product, Buffer json) {
    static Entry of(Product product) {
      return new Entry(product, product.toJson().toBuffer());
    }
  }

  private static final class Snapshot {
    final List<Entry> ordered;
    final Map<String, Entry> byId;
    final AtomicReferenceArray<Buffer> pages;

    Snapshot(List<Entry> ordered) {
      this.ordered = List.copyOf(ordered);
      this.byId = new HashMap<>(ordered.size() * 2);
      for (Entry e : this.ordered) {
        if (byId.put(e.product().id().toString(), e) != null) {
          throw new IllegalArgumentException("duplicate product id " + e.product().id());
        }
      }
      int pageCount = Math.max(1, (this.ordered.size() + PAGE_SIZE - 1) / PAGE_SIZE);
      this.pages = new AtomicReferenceArray<>(pageCount);
    }
  }

  private volatile Snapshot snapshot;
  /** Bodies served verbatim for some ids (poison data for tests), over the catalog; copy on write. */
  private volatile Map<String, Buffer> raw = Map.of();

  private Catalog(List<Product> products) {
    List<Entry> entries = new ArrayList<>(products.size());
    products.forEach(p -> entries.add(Entry.of(p)));
    this.snapshot = new Snapshot(entries);
  }

  public static Catalog of(List<Product> products) {
    return new Catalog(products);
  }

  public static Catalog generated(long seed, int size) {
    return new Catalog(CatalogGenerator.generate(seed, size));
  }

  /**
   * Reads a JSON array of products (the by-id shape).
   *
   * @throws IllegalArgumentException naming the first invalid element
   */
  public static Catalog fromJson(Buffer json) {
    JsonArray array;
    try {
      array = new JsonArray(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("catalog file is not a JSON array: " + e.getMessage());
    }
    List<Product> products = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object element = array.getValue(i);
      if (!(element instanceof JsonObject obj)) {
        throw new IllegalArgumentException("catalog element " + i + " is not an object");
      }
      try {
        products.add(Product.fromJson(obj));
      } catch (BadRequest e) {
        throw new IllegalArgumentException("catalog element " + i + ": " + e.getMessage());
      }
    }
    return new Catalog(products);
  }

  public int size() {
    return snapshot.ordered.size();
  }

  /** Number of pages; at least 1 (an empty catalog has one empty page). */
  public int pageCount() {
    return snapshot.pages.length();
  }

  /** All products, in catalog (page) order. */
  public List<Product> products() {
    List<Product> out = new ArrayList<>(size());
    snapshot.ordered.forEach(e -> out.add(e.product()));
    return out;
  }

  public Product product(String id) {
    Entry e = entry(id);
    return e == null ? null : e.product();
  }

  /** The encoded JSON of the product with this id (any case), or null if there is none. */
  Buffer productJson(String id) {
    Map<String, Buffer> r = raw;
    if (!r.isEmpty()) {
      Buffer body = r.get(id.toLowerCase(Locale.ROOT));
      if (body != null) {
        return body;
      }
    }
    Entry e = entry(id);
    return e == null ? null : e.json();
  }

  private Entry entry(String id) {
    Map<String, Entry> byId = snapshot.byId;
    Entry e = byId.get(id);
    if (e == null && id.length() == 36) {
      e = byId.get(id.toLowerCase(Locale.ROOT));
    }
    return e;
  }

  /** The encoded page {@code number} (from 1), or null if it is past the end. */
  Buffer page(int number) {
    Snapshot s = snapshot;
    if (number < 1 || number > s.pages.length()) {
      return null;
    }
    Buffer page = s.pages.get(number - 1);
    if (page == null) {
      page = encodePage(s, number);
      s.pages.set(number - 1, page);
    }
    return page;
  }

  private static Buffer encodePage(Snapshot s, int number) {
    int from = (number - 1) * PAGE_SIZE;
    int to = Math.min(s.ordered.size(), from + PAGE_SIZE);
    String head = "{\"meta\":{\"page_number\":" + number + ",\"page_size\":" + PAGE_SIZE + "},\"products\":[";
    Buffer buffer = Buffer.buffer(64 + (to - from) * 320).appendString(head, StandardCharsets.UTF_8.name());
    for (int i = from; i < to; i++) {
      if (i > from) {
        buffer.appendByte((byte) ',');
      }
      buffer.appendBuffer(s.ordered.get(i).json());
    }
    return buffer.appendString("]}");
  }

  /** Adds the product at the end, or replaces the one with the same id in place. Returns true if it was added. */
  public synchronized boolean upsert(Product product) {
    Snapshot s = snapshot;
    List<Entry> entries = new ArrayList<>(s.ordered);
    Entry entry = Entry.of(product);
    Entry old = s.byId.get(product.id().toString());
    if (old == null) {
      entries.add(entry);
    } else {
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i) == old) {
          entries.set(i, entry);
          break;
        }
      }
    }
    snapshot = new Snapshot(entries);
    return old == null;
  }

  /**
   * Serves {@code body} verbatim (any bytes, not checked: a NUL in a title, a huge title, wrong types, not even JSON)
   * for this id, instead of the catalog's product if there is one. Not listed in the pages. Returns true if it was
   * added (no raw body for the id before).
   */
  public synchronized boolean putRaw(UUID id, Buffer body) {
    Map<String, Buffer> next = new HashMap<>(raw);
    boolean added = next.put(id.toString(), body.copy()) == null;
    raw = Map.copyOf(next);
    return added;
  }

  /** Removes the product with this id (its raw body too); returns false if there was none. */
  public synchronized boolean delete(String id) {
    String key = id.toLowerCase(Locale.ROOT);
    boolean hadRaw = raw.containsKey(key);
    if (hadRaw) {
      Map<String, Buffer> next = new HashMap<>(raw);
      next.remove(key);
      raw = Map.copyOf(next);
    }
    Snapshot s = snapshot;
    Entry old = s.byId.get(key);
    if (old == null) {
      return hadRaw;
    }
    List<Entry> entries = new ArrayList<>(s.ordered);
    entries.remove(old);
    snapshot = new Snapshot(entries);
    return true;
  }
}
