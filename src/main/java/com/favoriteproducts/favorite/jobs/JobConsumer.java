package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.favorite.Batcher;
import com.favoriteproducts.favorite.Job;
import com.favoriteproducts.favorite.JobTraces;
import com.favoriteproducts.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The consumer of the work queue (prefetch JOBS_PREFETCH, manual ack after the database commit). Deliveries are
 * handled in batches, one batch at a time: what arrives while a batch is being handled is the next batch. Idle, a batch
 * is one delivery (no added latency); busy, batches grow up to the prefetch, and a batch costs about what one job used
 * to: one attempt of all its jobs ({@link JobStore#attemptAll}) and one acknowledgement (multiple) for all of them.
 *
 * <p>With tracing on, each job's attempt is a CONSUMER span, child of the trace its message carries (the add's, or
 * for a retry the previous attempt's: see {@link JobTraces}), ending when the batch's outcome is recorded: the jobs
 * of one batch are stored by one transaction, so their spans end together. A batch of a single job (the idle case)
 * runs with its span as the current one, so its product lookup and SQL statements are child spans; in a batch of
 * several no span can be the parent of the shared statements, and they are not traced.
 */
final class JobConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(JobConsumer.class);
  private static final long REQUEUE_DELAY_MS = 1000;

  private final Vertx vertx;
  private final RabbitConnection rabbit;
  private final RabbitTopology topology;
  private final JobStore store;
  private final Tracing tracing;
  private final Batcher<Delivery> deliveries = Batcher.whileBusy(1, Integer.MAX_VALUE, this::handle);

  /** A delivery and the jobs it carries (one, or several when published together). */
  private record Delivery(RabbitMQClient client, RabbitMQMessage msg, List<Job> jobs) {
  }

  private static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("favorites.job.id");
  private static final AttributeKey<Long> JOB_ATTEMPT = AttributeKey.longKey("favorites.job.attempt");
  private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");

  JobConsumer(Vertx vertx, RabbitConnection rabbit, RabbitTopology topology, JobStore store) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.topology = topology;
    this.store = store;
    this.tracing = Tracing.of(vertx);
  }

  /** Starts consuming on a new connection. */
  Future<Void> consume(RabbitMQClient client) {
    return client.basicConsumer(topology.workQueue(), new QueueOptions().setAutoAck(false)).map(consumer -> {
      consumer.exceptionHandler(err -> LOG.warn("consumer error: {}", err.getMessage()));
      consumer.handler(msg -> process(client, msg));
      return null;
    });
  }

  private void process(RabbitMQClient client, RabbitMQMessage msg) {
    List<Job> carried;
    try {
      carried = Job.parseAll(msg.body().toJsonObject());
    } catch (RuntimeException e) {
      carried = null;
    }
    if (carried == null) {
      // Its size, not its body: a foreign message may hold anything (an email, a token).
      LOG.warn("dead-lettering a message that is not a job ({} bytes)", msg.body() == null ? 0 : msg.body().length());
      rabbit.nack(client, msg, false);
      return;
    }
    deliveries.add(new Delivery(client, msg, carried));
  }

  /** Handles a batch; every delivery in it is acknowledged or requeued before the returned future completes. */
  private Future<Void> handle(List<Delivery> batch) {
    Map<UUID, Job> byId = new LinkedHashMap<>();
    for (Delivery d : batch) {
      for (Job j : d.jobs()) {
        byId.putIfAbsent(j.id(), j);
      }
    }
    Future<Void> attempt;
    if (tracing.on()) {
      attempt = traced(batch, byId);
    } else {
      attempt = store.attemptAll(new ArrayList<>(byId.keySet()), Map.of());
    }
    return attempt
      .compose(v -> ack(batch))
      .recover(err -> {
        LOG.warn("{} jobs could not be recorded ({}); redelivering in {} ms", byId.size(), err.getMessage(),
          REQUEUE_DELAY_MS);
        Promise<Void> later = Promise.promise();
        vertx.setTimer(REQUEUE_DELAY_MS, t -> {
          batch.forEach(d -> rabbit.nack(d.client(), d.msg(), true));
          later.complete();
        });
        return later.future();
      });
  }

  /** {@link JobStore#attemptAll} inside one CONSUMER span per job (see the class comment). */
  private Future<Void> traced(List<Delivery> batch, Map<UUID, Job> byId) {
    Map<UUID, Context> spans = new HashMap<>();
    for (Delivery d : batch) {
      Map<String, Object> headers = d.msg().properties() == null ? null : d.msg().properties().getHeaders();
      Object table = headers == null ? null : headers.get(JobTraces.JOB_TRACES);
      for (Job j : d.jobs()) {
        if (spans.containsKey(j.id())) {
          continue;
        }
        Map<String, ?> carrier = headers;
        if (table instanceof Map<?, ?> t && t.get(j.id().toString()) instanceof Map<?, ?> one) {
          @SuppressWarnings("unchecked") Map<String, ?> own = (Map<String, ?>) one;
          carrier = own;
        }
        Context parent = tracing.extract(carrier);
        Span span = tracing.tracer().spanBuilder(topology.workQueue() + " process")
          .setSpanKind(SpanKind.CONSUMER)
          .setParent(parent)
          .setAttribute("messaging.system", "rabbitmq")
          .setAttribute("messaging.operation.type", "process")
          .setAttribute("messaging.destination.name", topology.workQueue())
          .setAttribute("messaging.message.id", String.valueOf(d.msg().properties().getMessageId()))
          .setAttribute(BATCH_SIZE, (long) byId.size())
          .setAttribute(JOB_ID, j.id().toString())
          .setAttribute(JOB_ATTEMPT, (long) j.attempts() + 1)
          .startSpan();
        spans.put(j.id(), parent.with(span));
      }
    }
    List<UUID> ids = new ArrayList<>(byId.keySet());
    Future<Void> attempt;
    if (spans.size() == 1) {
      // A fresh duplicated context holds the span as the current one for everything this attempt does; it is
      // dropped with the attempt, so the scope is never closed.
      Context only = spans.values().iterator().next();
      ContextInternal dup = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      Promise<Void> done = Promise.promise();
      dup.runOnContext(v -> {
        only.makeCurrent();
        store.attemptAll(ids, spans).onComplete(done);
      });
      attempt = done.future();
    } else {
      attempt = store.attemptAll(ids, spans);
    }
    return attempt.onComplete(ar -> spans.values().forEach(c -> {
      Span span = Span.fromContext(c);
      if (ar.failed()) {
        span.setStatus(StatusCode.ERROR, "the outcome could not be recorded: " + ar.cause().getMessage());
      }
      span.end();
    }));
  }

  /** One acknowledgement per connection: every earlier delivery of this consumer is settled already. */
  private Future<Void> ack(List<Delivery> batch) {
    Map<RabbitMQClient, RabbitMQMessage> last = new IdentityHashMap<>();
    for (Delivery d : batch) {
      last.merge(d.client(), d.msg(), (a, b) ->
        b.envelope().getDeliveryTag() > a.envelope().getDeliveryTag() ? b : a);
    }
    return Future.all(last.entrySet().stream().map(e -> rabbit.ackUpTo(e.getKey(), e.getValue())).toList()).mapEmpty();
  }
}
