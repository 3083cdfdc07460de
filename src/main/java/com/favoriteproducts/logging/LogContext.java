package com.favoriteproducts.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;

/**
 * The request id of the work a Vert.x context is doing, for log lines ({@link JsonLayout}). A thread-local MDC is
 * wrong in Vert.x (one event loop interleaves many requests); the context's local data follows a request: Vert.x runs
 * each HTTP request, and each event-bus message a consumer receives, on its own duplicated context, and the callbacks
 * of the futures made there run on it.
 * <ul>
 *   <li>the HTTP edge {@link #putRequestId puts} the id when a request arrives;</li>
 *   <li>its event-bus requests carry it in the {@value #HEADER} header ({@link #withRequestId});</li>
 *   <li>the inbound interceptor {@link #install installed} on every Vert.x of the service puts a received header's id
 *   on the consumer's context, so the receiving verticle's lines carry it too (on another node as well).</li>
 * </ul>
 */
public final class LogContext {

  /** The event-bus header that carries the request id. */
  public static final String HEADER = "x-request-id";
  /** The key in the context's local data (a private object: no other code can read or clash with it). */
  private static final Object KEY = new Object();
  /** The key of the trace and span ids kept by {@link #keepTrace()}. */
  private static final Object TRACE_KEY = new Object();

  private LogContext() {
  }

  /**
   * The current context when it is a duplicated (per-request) one, else null: never an event loop's own context, which
   * is shared by every request it serves.
   */
  private static ContextInternal requestContext() {
    return Vertx.currentContext() instanceof ContextInternal ci && ci.isDuplicate() ? ci : null;
  }

  /** Puts the request id on the current context, when there is a duplicated (per-request) one. */
  public static void putRequestId(String requestId) {
    ContextInternal ci = requestContext();
    if (ci != null && requestId != null) {
      ci.localContextData().put(KEY, requestId);
    }
  }

  /** The request id on the current context, or null. */
  public static String requestId() {
    ContextInternal ci = requestContext();
    return ci != null && ci.localContextData().get(KEY) instanceof String s ? s : null;
  }

  /**
   * Keeps the current span's trace and span ids on the current (per-request) context, so that a line logged there
   * after that span has ended (the HTTP edge's end-of-request line: the server span closes as the response goes)
   * still carries them. {@link JsonLayout} prefers the current span; these ids are its fallback. Nothing is kept
   * when tracing is off or there is no duplicated context.
   */
  public static void keepTrace() {
    ContextInternal ci = requestContext();
    String[] ids = ci == null ? null : JsonLayout.span();
    if (ids != null) {
      ci.localContextData().put(TRACE_KEY, ids);
    }
  }

  /** The ids {@link #keepTrace() kept} on the current context, or null. */
  static String[] keptTrace() {
    ContextInternal ci = requestContext();
    return ci != null && ci.localContextData().get(TRACE_KEY) instanceof String[] a ? a : null;
  }

  /**
   * Runs {@code action} at once, on this thread, with {@code ctx} (a request's context) as the current context, so
   * that its log lines carry that context's request id. For a callback that a client library completes on another
   * context of the same event loop (the verticle's own, e.g. a batched Redis or PostgreSQL answer): the work goes on
   * where it was, only the context is the request's again. On another thread (or with no context) it runs as it is.
   */
  public static void on(Context ctx, Runnable action) {
    if (ctx instanceof ContextInternal ci && Vertx.currentContext() != ctx && ci.inThread()) {
      ci.dispatch(action);
    } else {
      action.run();
    }
  }

  /**
   * The options with the current request id in the {@value #HEADER} header (a copy: shared options are never
   * changed); the same options when there is no request id.
   */
  public static DeliveryOptions withRequestId(DeliveryOptions options) {
    String id = requestId();
    return id == null ? options : new DeliveryOptions(options).addHeader(HEADER, id);
  }

  /** Registers the inbound interceptor that moves a received {@value #HEADER} onto the consumer's context. */
  public static void install(Vertx vertx) {
    vertx.eventBus().addInboundInterceptor(LogContext::received);
  }

  private static void received(DeliveryContext<Object> dc) {
    try {
      String id = dc.message().headers().get(HEADER);
      if (id != null) {
        putRequestId(id);
      }
    } finally {
      dc.next();
    }
  }
}
