package com.favoriteproducts.logging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The only class that touches the OpenTelemetry API, so that {@link JsonLayout} works without it (it catches the
 * {@link LinkageError} of loading this class). {@code Span.current()} reads OpenTelemetry's context storage, which
 * vertx-opentelemetry backs with the current Vert.x context.
 */
final class CurrentSpan {

  private CurrentSpan() {
  }

  static String[] ids() {
    SpanContext sc = Span.current().getSpanContext();
    return sc.isValid() ? new String[] {sc.getTraceId(), sc.getSpanId()} : null;
  }
}
