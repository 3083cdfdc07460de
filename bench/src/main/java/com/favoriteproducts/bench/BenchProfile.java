package com.favoriteproducts.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarizes a Flight Recorder file of the service taken during one scenario ({@code BENCH_PROFILE=1}): where the
 * CPU samples fall, by area (share of samples with at least one frame of that area on the stack) and by method
 * (share of samples with that method on top). A hint for the service engineers, not a precise profile: JFR samples
 * Java code only, at safepoint-free but coarse intervals.
 */
final class BenchProfile {

  /** Areas by class-name prefix, checked in order; a sample counts once per area. */
  private static final Map<String, List<String>> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("JWT verification (vertx-auth-jwt, crypto)", List.of("io.vertx.ext.auth", "javax.crypto", "sun.security",
      "com.sun.crypto"));
    AREAS.put("OpenAPI validation (vertx-openapi, json-schema)", List.of("io.vertx.openapi", "io.vertx.json.schema",
      "io.vertx.ext.web.openapi"));
    AREAS.put("routing (vertx-web Router)", List.of("io.vertx.ext.web.impl", "io.vertx.ext.web.handler"));
    AREAS.put("Redis client", List.of("io.vertx.redis"));
    AREAS.put("PostgreSQL client", List.of("io.vertx.pgclient", "io.vertx.sqlclient"));
    AREAS.put("event bus", List.of("io.vertx.core.eventbus"));
    AREAS.put("JSON (Jackson, JsonObject)", List.of("com.fasterxml.jackson", "io.vertx.core.json"));
    AREAS.put("logging", List.of("ch.qos.logback", "org.slf4j"));
    AREAS.put("service code (com.favoriteproducts)", List.of("com.favoriteproducts"));
    AREAS.put("HTTP codec and sockets (Netty, vertx-core http/net)", List.of("io.netty", "io.vertx.core.http",
      "io.vertx.core.net", "sun.nio"));
    AREAS.put("UUID / random", List.of("java.util.UUID", "java.security.SecureRandom", "sun.security.provider"));
  }

  private BenchProfile() {
  }

  static String summarize(Path jfr, int top) throws IOException {
    int samples = 0;
    Map<String, Integer> byArea = new LinkedHashMap<>();
    Map<String, Integer> byTop = new HashMap<>();
    Map<String, Integer> byThread = new HashMap<>();
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        byThread.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
        byTop.merge(name(st.getFrames().get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : st.getFrames()) {
          String cls = f.getMethod().getType().getName();
          for (Map.Entry<String, List<String>> area : AREAS.entrySet()) {
            if (!seen.contains(area.getKey()) && area.getValue().stream().anyMatch(cls::startsWith)) {
              seen.add(area.getKey());
            }
          }
        }
        seen.forEach(a -> byArea.merge(a, 1, Integer::sum));
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%,d CPU samples (Java code) in %s%n", samples, jfr.getFileName()));
    if (samples == 0) {
      return b.toString();
    }
    int n = samples;
    b.append("threads:\n");
    byThread.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(6)
      .forEach(en -> b.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / n, en.getKey())));
    b.append("areas (share of samples with the area anywhere on the stack; they overlap):\n");
    byArea.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
      .forEach(en -> b.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / n, en.getKey())));
    b.append("top methods (self):\n");
    byTop.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
      .forEach(en -> b.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / n, en.getKey())));
    return b.toString();
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
