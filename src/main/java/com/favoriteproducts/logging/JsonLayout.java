package com.favoriteproducts.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.favoriteproducts.cluster.Nodes;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line with {@code timestamp} (ISO-8601 UTC, milliseconds), {@code level},
 * {@code logger}, {@code message}, {@code thread}, {@code requestId}, {@code traceId}, {@code spanId} (null when there
 * is none), {@code node} and, when the event has one, {@code exception} ({@code class}, {@code message},
 * {@code stack}: the stack trace as text, causes included).
 * <p>{@code requestId} comes from the Vert.x context the line is logged on ({@link LogContext}); {@code traceId} and
 * {@code spanId} from OpenTelemetry's current span (vertx-opentelemetry keeps it in the Vert.x context) when the
 * OpenTelemetry API is on the class path and a span is current, else the ids {@link LogContext#keepTrace kept} on the
 * context for lines written after the request's span has ended; {@code node} is the cluster node id of the Vert.x
 * whose context logs (a standalone one: a per-process id, {@link #processNode}); outside any Vert.x context the node id
 * of this process's first clustered Vert.x, else the per-process id.
 * Logback's own JsonEncoder (1.5) writes fixed fields of its own (epoch timestamp, {@code mdc}, no node), so not it.
 */
public class JsonLayout extends LayoutBase<ILoggingEvent> {

  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);
  /** False once the OpenTelemetry API turned out to be missing: no lookup (and no exception) per line after that. */
  private static volatile boolean otelPresent = true;
  /** Set by {@link #clusterJoined}: this process's node id when it is a cluster member. */
  private static volatile String clusterNode;
  private static final String PROCESS_NODE = processNode();

  /** Records a cluster node id for lines logged outside any Vert.x context (the first one wins). */
  public static void clusterJoined(String nodeId) {
    if (clusterNode == null && nodeId != null) {
      clusterNode = nodeId;
    }
  }

  /** Host name and pid ({@code RuntimeMXBean.getName()}, e.g. {@code 12345@pod-name}): stable for the process. */
  static String processNode() {
    try {
      return ManagementFactory.getRuntimeMXBean().getName();
    } catch (RuntimeException | Error e) {
      return "pid-" + ProcessHandle.current().pid();
    }
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(256);
    Context ctx = Vertx.currentContext();
    sb.append("{\"timestamp\":\"");
    TIMESTAMP.formatTo(Instant.ofEpochMilli(event.getTimeStamp()).truncatedTo(ChronoUnit.MILLIS), sb);
    sb.append("\",\"level\":\"").append(event.getLevel().toString()).append('"');
    field(sb, "logger", event.getLoggerName());
    field(sb, "message", event.getFormattedMessage());
    field(sb, "thread", event.getThreadName());
    field(sb, "requestId", ctx == null ? null : LogContext.requestId());
    String[] span = span();
    if (span == null && ctx != null) {
      span = LogContext.keptTrace();
    }
    field(sb, "traceId", span == null ? null : span[0]);
    field(sb, "spanId", span == null ? null : span[1]);
    field(sb, "node", node(ctx));
    IThrowableProxy tp = event.getThrowableProxy();
    if (tp != null) {
      sb.append(",\"exception\":{");
      sb.append("\"class\":");
      string(sb, tp.getClassName());
      field(sb, "message", tp.getMessage());
      field(sb, "stack", stack(tp));
      sb.append('}');
    }
    sb.append('}').append(CoreConstants.LINE_SEPARATOR);
    return sb.toString();
  }

  @Override
  public String getContentType() {
    return "application/json";
  }

  private static String node(Context ctx) {
    if (ctx != null) {
      // The Vert.x that logs: its cluster node id, or this process's id for a standalone one
      ClusterManager cm = Nodes.clusterManager(ctx.owner());
      return cm != null && cm.getNodeId() != null ? cm.getNodeId() : PROCESS_NODE;
    }
    String joined = clusterNode;
    return joined != null ? joined : PROCESS_NODE;
  }

  /** The current span's trace id and span id, or null (no valid span, or no OpenTelemetry API). */
  static String[] span() {
    if (!otelPresent) {
      return null;
    }
    try {
      return CurrentSpan.ids();
    } catch (LinkageError e) {
      otelPresent = false;
      return null;
    }
  }

  private static String stack(IThrowableProxy tp) {
    StringBuilder sb = new StringBuilder(1024);
    for (IThrowableProxy t = tp; t != null; t = t.getCause()) {
      if (t != tp) {
        sb.append("Caused by: ");
      }
      sb.append(t.getClassName());
      if (t.getMessage() != null) {
        sb.append(": ").append(t.getMessage());
      }
      sb.append('\n');
      StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
      int shown = t == tp ? frames.length : frames.length - t.getCommonFrames();
      for (int i = 0; i < shown; i++) {
        sb.append("\tat ").append(frames[i].getStackTraceElement()).append('\n');
      }
      if (shown < frames.length) {
        sb.append("\t... ").append(frames.length - shown).append(" more\n");
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    string(sb, value);
  }

  /** A JSON string (or null), escaped per RFC 8259. */
  static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
