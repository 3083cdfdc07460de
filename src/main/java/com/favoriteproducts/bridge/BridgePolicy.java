package com.favoriteproducts.bridge;

import com.favoriteproducts.auth.Principal;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.bridge.Refusal.Code;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a bridge client may do: deny by default, for the admin token too (the bridge is not an admin interface).
 * A short, explicit allow-list of request addresses with the field that names their owner, and one family of
 * addresses to register on. Nothing else (no publish, no internal address, no request address to register on: a
 * consumer there would join the round-robin and steal other verticles' requests).
 */
final class BridgePolicy {

  /** {@code favorites.events.<uuid>}, either case; nothing else under that prefix (e.g. not {@code .relay}). */
  private static final Pattern EVENTS = Pattern.compile(Pattern.quote(FavoriteEvent.ADDRESS_PREFIX)
    + "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");

  /** How a send is checked before it goes to the event bus. */
  enum Owner {
    /** The body field that names the customer: it must be a string, and a customer token's own. */
    FIELD,
    /** Any valid token (product data is not anyone's). */
    ANY,
    /** The reply's {@code customerId} is checked before it is passed on ({@code jobs.get}). */
    REPLY
  }

  record Rule(Owner owner, String field) {
  }

  private static final Map<String, Rule> SENDS = Map.of(
    Addresses.CUSTOMERS_GET, new Rule(Owner.FIELD, "id"),
    Addresses.FAVORITES_LIST, new Rule(Owner.FIELD, "customerId"),
    Addresses.FAVORITES_GET, new Rule(Owner.FIELD, "customerId"),
    Addresses.FAVORITES_ADD, new Rule(Owner.FIELD, "customerId"),
    Addresses.FAVORITES_REMOVE, new Rule(Owner.FIELD, "customerId"),
    Addresses.JOBS_GET, new Rule(Owner.REPLY, "customerId"),
    Addresses.PRODUCTS_GET, new Rule(Owner.ANY, null),
    Addresses.PRODUCTS_GET_MANY, new Rule(Owner.ANY, null));

  private BridgePolicy() {
  }

  /**
   * The rule of an allowed send whose body the principal may send, or a refusal: {@code access_denied} for an address
   * not on the list or a customer that is not the token's, {@code invalid_frame} for a body that is not an object or
   * lacks its owner field (a bad id inside a well-formed body is the verticle's 400).
   */
  static Rule send(String address, Object body, Principal p) {
    Rule rule = SENDS.get(address);
    if (rule == null) {
      throw new Refusal(Code.ACCESS_DENIED, "sending to '" + address + "' is not allowed through the bridge");
    }
    if (!(body instanceof JsonObject json)) {
      throw new Refusal(Code.INVALID_FRAME, "the body of " + address + " must be a JSON object");
    }
    if (rule.owner() == Owner.FIELD) {
      Object owner = json.getValue(rule.field());
      if (!(owner instanceof String id)) {
        throw new Refusal(Code.INVALID_FRAME, "the body of " + address + " needs \"" + rule.field() + "\" (a string)");
      }
      if (!p.mayAccessCustomer(id)) {
        throw new Refusal(Code.ACCESS_DENIED, "this token may not name customer " + id);
      }
    }
    return rule;
  }

  /** A job reply ({@code jobs.get}) the principal may see; otherwise a refusal that does not show the job. */
  static void checkJob(JsonObject job, String jobId, Principal p) {
    if (job == null || !p.mayAccessCustomer(job.getString("customerId"))) {
      throw new Refusal(Code.ACCESS_DENIED, "this token may not read job " + jobId);
    }
  }

  /** The customer id of a registrable address, lower-cased, or null when the address is not one. */
  static String eventsCustomer(String address) {
    Matcher m = EVENTS.matcher(address);
    return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  /** The normalised address ({@code favorites.events.<lower-case id>}) the principal may register on, or a refusal. */
  static String register(String address, Principal p) {
    String customer = eventsCustomer(address);
    if (customer == null) {
      throw new Refusal(Code.ACCESS_DENIED, "registering on '" + address + "' is not allowed; only "
        + FavoriteEvent.ADDRESS_PREFIX + "<customerId>");
    }
    if (!p.mayAccessCustomer(customer)) {
      throw new Refusal(Code.ACCESS_DENIED, "this token may not follow the events of customer " + customer);
    }
    return FavoriteEvent.ADDRESS_PREFIX + customer;
  }
}
