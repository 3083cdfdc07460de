package com.favoriteproducts.tracing;

import com.favoriteproducts.bus.LoopAffinity;
import io.vertx.core.Context;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Vert.x's tracer with event-bus spans named by the address a request is for, not the same-loop address it was
 * delivered on ({@link LoopAffinity}): {@code favorites.list}, never {@code favorites.list@vert.x-eventloop-thread-0},
 * in the span's name and its {@code messaging.destination.name}, so that traces group by address whatever loop served
 * them. Every other span (HTTP, SQL, Redis) passes through unchanged.
 */
final class LogicalAddressTracer implements VertxTracer<Object, Object> {

  private final VertxTracer<Object, Object> delegate;

  private LogicalAddressTracer(VertxTracer<Object, Object> delegate) {
    this.delegate = delegate;
  }

  /** {@code factory} with its tracers wrapped. */
  static VertxTracerFactory factory(VertxTracerFactory factory) {
    return new VertxTracerFactory() {
      @Override
      @SuppressWarnings("unchecked")
      public VertxTracer<?, ?> tracer(TracingOptions options) {
        return new LogicalAddressTracer((VertxTracer<Object, Object>) factory.tracer(options));
      }

      @Override
      public TracingOptions newOptions() {
        return factory.newOptions();
      }

      @Override
      public TracingOptions newOptions(JsonObject json) {
        return factory.newOptions(json);
      }
    };
  }

  @Override
  public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                   Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tags) {
    return request instanceof Message<?>
      ? delegate.receiveRequest(context, kind, policy, request, LoopAffinity.logical(operation), headers, logical(tags))
      : delegate.receiveRequest(context, kind, policy, request, operation, headers, tags);
  }

  @Override
  public <R> void sendResponse(Context context, R response, Object payload, Throwable failure, TagExtractor<R> tags) {
    delegate.sendResponse(context, response, payload, failure, tags);
  }

  @Override
  public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                BiConsumer<String, String> headers, TagExtractor<R> tags) {
    return request instanceof Message<?>
      ? delegate.sendRequest(context, kind, policy, request, LoopAffinity.logical(operation), headers, logical(tags))
      : delegate.sendRequest(context, kind, policy, request, operation, headers, tags);
  }

  @Override
  public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
                                  TagExtractor<R> tags) {
    delegate.receiveResponse(context, response, payload, failure, tags);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The same tags, the destination's name made logical. */
  private static <R> TagExtractor<R> logical(TagExtractor<R> tags) {
    return new TagExtractor<>() {
      @Override
      public int len(R obj) {
        return tags.len(obj);
      }

      @Override
      public String name(R obj, int index) {
        return tags.name(obj, index);
      }

      @Override
      public String value(R obj, int index) {
        String value = tags.value(obj, index);
        return "messaging.destination.name".equals(tags.name(obj, index)) ? LoopAffinity.logical(value) : value;
      }
    };
  }
}
