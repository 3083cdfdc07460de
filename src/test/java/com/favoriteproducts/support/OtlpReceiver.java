package com.favoriteproducts.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static com.favoriteproducts.support.TestApp.await;

/**
 * An OTLP/HTTP trace receiver for tests: {@code POST /v1/traces} with {@code application/x-protobuf} bodies (what the
 * Java exporter sends with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf), decoded with opentelemetry-proto and kept as
 * {@link Received} spans. In a Vert.x of its own, untraced. {@link #hanging()} is a collector that accepts TCP
 * connections and never answers.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** A span as exported: ids in lower-case hex (parent empty for a root), kind as OTLP names it, string attributes. */
  public record Received(String traceId, String spanId, String parentSpanId, String name, String kind,
                         Map<String, String> attributes, String service, String statusCode) {

    public String attr(String key) {
      return attributes.get(key);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  public final int port;
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  /** Connections the hanging collector accepted; requests the receiver got. */
  public final AtomicInteger connections = new AtomicInteger();
  public final AtomicInteger requests = new AtomicInteger();
  private final List<NetSocket> held = new CopyOnWriteArrayList<>();
  private HttpServer http;
  private NetServer tcp;

  private OtlpReceiver() {
    this.port = TestApp.freePort();
  }

  public static OtlpReceiver start() {
    OtlpReceiver r = new OtlpReceiver();
    r.http = await(r.vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!"/v1/traces".equals(req.path())) {
        req.response().setStatusCode(404).end();
        return;
      }
      r.requests.incrementAndGet();
      try {
        r.add(ExportTraceServiceRequest.parseFrom(body.getBytes()));
      } catch (Exception e) {
        req.response().setStatusCode(400).end(e.toString());
        return;
      }
      req.response().putHeader("Content-Type", "application/x-protobuf")
        .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
    })).listen(r.port, "127.0.0.1"));
    return r;
  }

  /** A "collector" that takes connections and never sends a byte back. */
  public static OtlpReceiver hanging() {
    OtlpReceiver r = new OtlpReceiver();
    r.tcp = await(r.vertx.createNetServer().connectHandler(so -> {
      r.connections.incrementAndGet();
      r.held.add(so);
      so.handler(b -> { }); // read and drop
    }).listen(r.port, "127.0.0.1"));
    return r;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  private void add(ExportTraceServiceRequest req) {
    for (ResourceSpans rs : req.getResourceSpansList()) {
      String service = rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
        .map(kv -> kv.getValue().getStringValue()).findFirst().orElse("");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          Map<String, String> attrs = new HashMap<>();
          for (KeyValue kv : s.getAttributesList()) {
            var v = kv.getValue();
            attrs.put(kv.getKey(), v.hasStringValue() ? v.getStringValue()
              : v.hasIntValue() ? String.valueOf(v.getIntValue()) : v.toString().trim());
          }
          spans.add(new Received(hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()), s.getName(),
            s.getKind().name(), attrs, service, s.getStatus().getCode().name()));
        }
      }
    }
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  public List<Received> spans() {
    return List.copyOf(spans);
  }

  public List<Received> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).collect(Collectors.toList());
  }

  /** The spans whose attribute {@code key} is {@code value}. */
  public List<Received> withAttr(String key, String value) {
    return spans.stream().filter(s -> value.equals(s.attr(key))).collect(Collectors.toList());
  }

  @Override
  public void close() {
    held.forEach(NetSocket::close);
    await(vertx.close());
  }
}
