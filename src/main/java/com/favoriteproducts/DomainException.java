package com.favoriteproducts;

/** A domain failure whose code (see {@link Failures}) and message go back to the event-bus caller as-is. */
public final class DomainException extends RuntimeException {

  private final int code;

  public DomainException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static <T> io.vertx.core.Future<T> fail(int code, String message) {
    return io.vertx.core.Future.failedFuture(new DomainException(code, message));
  }
}
