package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.favorite.Batcher;
import com.favoriteproducts.favorite.Job;
import com.favoriteproducts.favorite.JobMetrics;
import com.favoriteproducts.favorite.JobRepository;
import com.favoriteproducts.favorite.JobTraces;
import com.favoriteproducts.tracing.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the worker sends to RabbitMQ on its own initiative: jobs to the work exchange with publisher confirms
 * (those the favorites verticle asks for, the sweeper's, replayed ones), the "RabbitMQ has it" marks, and favorites
 * events to the fanout exchange.
 */
final class JobPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(JobPublisher.class);
  private static final int SWEEP_BATCH = 500;
  /** Jobs published together in one work message. */
  static final int JOBS_PER_MESSAGE = 100;

  private final Vertx vertx;
  private final JobsConfig cfg;
  private final JobRepository jobs;
  private final RabbitConnection rabbit;
  private final RabbitTopology topology;
  private final JobMetrics metrics;
  /** Jobs to publish, those asked for in one event-loop turn in one go (see {@link #publishRequested}). */
  private final Batcher<Job> publications;
  /** "RabbitMQ has it" marks: one UPDATE for the confirms of {@link #markDelayMs}, of the jobs still pending then. */
  private final Batcher<UUID> confirmed;
  private boolean sweeping;
  private final Tracing tracing;
  /**
   * With tracing on: the trace headers of the jobs waiting in {@link #publications}, taken off when they are
   * published (so bounded by what one event-loop turn asked for). Jobs the sweeper or a replay publishes have none.
   */
  private final Map<UUID, Map<String, Object>> traces = new HashMap<>();

  JobPublisher(Vertx vertx, Context context, JobsConfig cfg, JobRepository jobs, RabbitConnection rabbit,
               RabbitTopology topology, JobMetrics metrics) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.jobs = jobs;
    this.rabbit = rabbit;
    this.topology = topology;
    this.metrics = metrics;
    this.tracing = Tracing.of(vertx);
    this.publications = Batcher.perTurn(context, this::publish);
    // Marks wait a moment: by then most jobs are stored, and a job no longer pending needs no mark (the sweeper only
    // looks at pending ones), so under a normal flow a confirm costs no write at all.
    this.confirmed = Batcher.after(vertx, markDelayMs(cfg), ids -> jobs.markPublished(ids).onFailure(err -> LOG.warn(
      "could not mark {} jobs published ({}); the sweeper will publish them again", ids.size(), err.getMessage())));
  }

  /** How long confirms wait before being recorded: well inside JOBS_UNPUBLISHED_AFTER_MS, at most a second. */
  static long markDelayMs(JobsConfig cfg) {
    return Math.max(1, Math.min(1000, cfg.unpublishedAfterMs() / 4));
  }

  /**
   * jobs.publish: jobs the favorites verticle has just stored. The jobs asked for in one event-loop turn go out as one
   * message (at most {@link #JOBS_PER_MESSAGE}): under load that divides the broker's work per add. When RabbitMQ is
   * down the sweeper publishes them later.
   */
  JsonObject publishRequested(JsonObject body) {
    List<Job> list = body == null ? null : Job.parseAll(body);
    if (list == null || !rabbit.connected()) {
      return new JsonObject().put("published", false);
    }
    if (tracing.on()) {
      // each job's own add (several adds accepted together are one message here); else the request's own trace
      Map<String, Map<String, Object>> carried = JobTraces.of(body);
      Map<String, Object> here = tracing.headers(tracing.current());
      for (Job j : list) {
        Map<String, Object> h = carried.getOrDefault(j.id().toString(), here);
        if (h != null) {
          traces.put(j.id(), h);
        }
      }
    }
    publications.addAll(list);
    return new JsonObject().put("queued", true);
  }

  /** Publishes jobs, {@link #JOBS_PER_MESSAGE} per message, marking them published once confirmed; counts them. */
  Future<Integer> publish(List<Job> list) {
    List<Future<Integer>> sent = new ArrayList<>();
    for (int from = 0; from < list.size(); from += JOBS_PER_MESSAGE) {
      List<Job> chunk = list.subList(from, Math.min(list.size(), from + JOBS_PER_MESSAGE));
      JsonObject message = Job.messageOf(chunk);
      String messageId = chunk.size() == 1 ? chunk.get(0).id().toString() : UUID.randomUUID().toString();
      List<UUID> ids = chunk.stream().map(Job::id).toList();
      sent.add(rabbit.publish(topology.workExchange(), RabbitTopology.ROUTING_KEY,
          RabbitConnection.persistentJson(messageId, traceHeaders(chunk)), message.toBuffer())
        .map(v -> {
          confirmed.addAll(ids);
          return ids.size();
        })
        .otherwise(err -> {
          LOG.debug("{} jobs not published now ({}); the sweeper will", ids.size(), err.getMessage());
          return 0;
        }));
    }
    return Future.all(sent).map(cf -> sent.stream().mapToInt(Future::result).sum());
  }

  /**
   * The trace headers of a work message: a single job's {@code traceparent}/{@code tracestate}, or for several jobs
   * the table {@value JobTraces#JOB_TRACES} (job id to its headers); null without any (tracing off, sweeper).
   */
  private Map<String, Object> traceHeaders(List<Job> chunk) {
    if (traces.isEmpty()) {
      return null;
    }
    if (chunk.size() == 1) {
      return traces.remove(chunk.get(0).id());
    }
    Map<String, Object> table = new HashMap<>();
    for (Job j : chunk) {
      Map<String, Object> h = traces.remove(j.id());
      if (h != null) {
        table.put(j.id().toString(), h);
      }
    }
    return table.isEmpty() ? null : Map.of(JobTraces.JOB_TRACES, table);
  }

  /** Republishes jobs left unconfirmed or long overdue; runs periodically and right after (re)connecting. */
  void sweep() {
    if (sweeping || !rabbit.connected()) {
      return;
    }
    sweeping = true;
    jobs.claimForRepublish(cfg.unpublishedAfterMs(), cfg.staleAfterMs(), SWEEP_BATCH)
      .compose(list -> {
        if (!list.isEmpty()) {
          LOG.info("sweeper: publishing {} pending jobs again", list.size());
        }
        return publish(list).map(n -> {
          metrics.republished(n);
          return list.size();
        });
      })
      .onComplete(ar -> {
        sweeping = false;
        if (ar.failed()) {
          LOG.warn("sweeper failed: {}", ar.cause().getMessage());
        } else if (ar.result() == SWEEP_BATCH) {
          vertx.runOnContext(v -> sweep());
        }
      });
  }

  /**
   * Best effort: events for other services on the fanout exchange (lost while RabbitMQ is down), so not waiting for
   * the broker's confirm: one stored favorite is one event, and waiting cost a promise and a timer for each. The
   * message is the CloudEvent in structured mode ({@code application/cloudevents+json}); its message id is the event's
   * id and its header {@code type} the CloudEvents type, so a consumer can route without parsing the body.
   */
  Future<Void> relay(JsonObject cloudEvent) {
    if (!rabbit.connected()) {
      return Future.succeededFuture();
    }
    return rabbit.publishUnconfirmed(topology.eventsExchange(), "",
        RabbitConnection.transientCloudEvent(cloudEvent.getString("id", UUID.randomUUID().toString()),
          Map.of("type", cloudEvent.getString("type", ""))),
        cloudEvent.toBuffer())
      .recover(err -> {
        LOG.debug("event not relayed: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }
}
