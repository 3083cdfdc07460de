package com.favoriteproducts.fuzz;

import com.favoriteproducts.support.RawHttp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Every failure of a run, and what was sent; the run fails once, with a summary deduplicated by operation, status and kind. */
final class Report {

  private record Failure(String op, int status, String kind, String message, int index, String request) {
    String key() {
      return op + " " + (status == 0 ? "-" : status) + " " + kind;
    }
  }

  private final String replay;
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicLong> byOpAndStatus = new ConcurrentSkipListMap<>();

  Report(String replay) {
    this.replay = replay;
  }

  void sent(FuzzRequest req, RawHttp.Response res, List<Checks.Finding> findings) {
    byOpAndStatus.computeIfAbsent(req.op().id() + " " + res.status(), k -> new AtomicLong()).incrementAndGet();
    for (Checks.Finding f : findings) {
      failures.add(new Failure(req.op().id(), res.status(), f.kind(), f.message(), req.index(),
        req.describe() + "\n      -> " + res.status() + (res.status() == 0 ? " (" + res.noAnswer() + ")" : "")));
    }
  }

  /** A failure not tied to one request (stored state changed across a batch). */
  void add(String op, String kind, String message) {
    failures.add(new Failure(op, 0, kind, message, -1, ""));
  }

  long sent() {
    return byOpAndStatus.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** "createCustomer: 201 x40, 400 x180, ..." per operation. */
  String statistics() {
    Map<String, StringBuilder> perOp = new TreeMap<>();
    byOpAndStatus.forEach((k, n) -> {
      String[] parts = k.split(" ");
      perOp.computeIfAbsent(parts[0], x -> new StringBuilder()).append(' ').append(parts[1]).append('x').append(n.get());
    });
    StringBuilder sb = new StringBuilder();
    perOp.forEach((op, s) -> sb.append("\n  ").append(op).append(':').append(s));
    return sb.toString();
  }

  boolean failed() {
    return !failures.isEmpty();
  }

  /** The deduplicated summary: per operation + status + kind, how many, and the first request that showed it. */
  String summary() {
    Map<String, List<Failure>> groups = new TreeMap<>();
    for (Failure f : failures) {
      groups.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(failures.size()).append(" failures of ").append(groups.size()).append(" kinds (").append(replay).append(")");
    for (Map.Entry<String, List<Failure>> g : groups.entrySet()) {
      Failure first = g.getValue().stream().min(Comparator.comparingInt(Failure::index)).orElseThrow();
      sb.append("\n\n  ").append(g.getKey()).append(" x").append(g.getValue().size()).append(": ").append(first.message());
      if (!first.request().isEmpty()) {
        sb.append("\n    first: ").append(first.request());
      }
    }
    return sb.toString();
  }
}
