package com.favoriteproducts;

/**
 * Every event-bus address of the service, in one place. Requests and replies are JSON objects; see
 * {@code docs/event-bus.md} for each address's request, reply and failure codes.
 */
public final class Addresses {

  private Addresses() {
  }

  public static final String CUSTOMERS_CREATE = "customers.create";
  public static final String CUSTOMERS_GET = "customers.get";
  public static final String CUSTOMERS_UPDATE = "customers.update";
  public static final String CUSTOMERS_PATCH = "customers.patch";
  public static final String CUSTOMERS_DELETE = "customers.delete";
  public static final String CUSTOMERS_LIST = "customers.list";
  public static final String CUSTOMERS_HEALTH = "customers.health";

  public static final String PRODUCTS_GET = "products.get";
  public static final String PRODUCTS_GET_MANY = "products.getMany";
  public static final String PRODUCTS_HEALTH = "products.health";
}
