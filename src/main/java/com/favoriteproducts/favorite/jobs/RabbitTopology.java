package com.favoriteproducts.favorite.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The queues and exchanges of the add-job path, all named from one prefix (RABBITMQ_QUEUE_PREFIX, default
 * {@code favorites}):
 * <pre>
 *  &lt;p&gt;.work    direct exchange --"job"--&gt; &lt;p&gt;.work queue (durable; rejected messages go to &lt;p&gt;.dead)
 *  &lt;p&gt;.retry.&lt;ms&gt;  one durable queue per retry delay, x-message-ttl = ms, dead-lettering back to &lt;p&gt;.work
 *                 (published through the default exchange: routing key = queue name)
 *  &lt;p&gt;.dead    fanout exchange --&gt; &lt;p&gt;.dead queue (jobs out of attempts, and poison messages)
 *  &lt;p&gt;.events  fanout exchange for other services: favorites.added / favorites.removed
 * </pre>
 * Declaring is idempotent; it runs on every (re)connection. A queue's arguments never change for a given name
 * (the retry queues are named by their delay), so changing the delays never trips PRECONDITION_FAILED.
 *
 * <p>With RABBITMQ_QUEUE_TYPE=quorum the three kinds of queue are quorum queues under names of their own,
 * {@code <p>.work.q}, {@code <p>.retry.q.<ms>} and {@code <p>.dead.q} (a queue's type cannot change under its name),
 * replicated by the broker cluster; dead-lettering from the work and retry queues is at least once
 * ({@code x-dead-letter-strategy: at-least-once}, which needs {@code x-overflow: reject-publish}: a full queue refuses
 * the publish, which the publisher's confirm then reports), and the work queue dead-letters a message delivered
 * {@code x-delivery-limit} times (RABBITMQ_DELIVERY_LIMIT). The classic queues of the same prefix, if an earlier
 * installation left any, are emptied into the new ones by {@link QueueMigration}.
 */
public final class RabbitTopology {

  public static final String ROUTING_KEY = "job";

  private final String prefix;
  private final List<Long> delays;
  private final boolean quorum;
  private final int deliveryLimit;

  /** Classic queues. */
  public RabbitTopology(String prefix, List<Long> delays) {
    this(prefix, delays, false, 0);
  }

  public RabbitTopology(String prefix, List<Long> delays, boolean quorum, int deliveryLimit) {
    this.prefix = prefix;
    this.delays = List.copyOf(new TreeSet<>(delays));
    this.quorum = quorum;
    this.deliveryLimit = deliveryLimit;
  }

  public String prefix() {
    return prefix;
  }

  public boolean quorum() {
    return quorum;
  }

  public List<Long> delays() {
    return delays;
  }

  /** The classic topology of this prefix (the queues a quorum topology migrates from). */
  RabbitTopology classic() {
    return new RabbitTopology(prefix, delays);
  }

  public String workExchange() {
    return prefix + ".work";
  }

  public String workQueue() {
    return prefix + (quorum ? ".work.q" : ".work");
  }

  public String deadExchange() {
    return prefix + ".dead";
  }

  public String deadQueue() {
    return prefix + (quorum ? ".dead.q" : ".dead");
  }

  public String eventsExchange() {
    return prefix + ".events";
  }

  public String retryQueue(long delayMs) {
    return prefix + (quorum ? ".retry.q." : ".retry.") + delayMs;
  }

  /** The work queue's arguments. */
  JsonObject workArgs() {
    JsonObject args = typed(new JsonObject().put("x-dead-letter-exchange", deadExchange()));
    return quorum ? args.put("x-delivery-limit", deliveryLimit) : args;
  }

  JsonObject deadArgs() {
    return quorum ? new JsonObject().put("x-queue-type", "quorum") : new JsonObject();
  }

  JsonObject retryArgs(long delayMs) {
    return typed(new JsonObject().put("x-message-ttl", delayMs).put("x-dead-letter-exchange", workExchange())
      .put("x-dead-letter-routing-key", ROUTING_KEY));
  }

  /** Quorum queues that dead-letter: at least once (needs reject-publish overflow). */
  private JsonObject typed(JsonObject args) {
    return quorum ? args.put("x-queue-type", "quorum").put("x-dead-letter-strategy", "at-least-once")
      .put("x-overflow", "reject-publish") : args;
  }

  public Future<Void> declare(RabbitMQClient client) {
    Future<Void> f = client.exchangeDeclare(workExchange(), "direct", true, false)
      .compose(v -> client.exchangeDeclare(deadExchange(), "fanout", true, false))
      .compose(v -> client.exchangeDeclare(eventsExchange(), "fanout", true, false))
      .compose(v -> client.queueDeclare(workQueue(), true, false, false, workArgs()))
      .compose(v -> client.queueBind(workQueue(), workExchange(), ROUTING_KEY))
      .compose(v -> client.queueDeclare(deadQueue(), true, false, false, deadArgs()))
      .compose(v -> client.queueBind(deadQueue(), deadExchange(), ""))
      .mapEmpty();
    for (long d : delays) {
      f = f.compose(v -> client.queueDeclare(retryQueue(d), true, false, false, retryArgs(d)).mapEmpty());
    }
    return f;
  }

  /** Deletes every queue and exchange of this prefix (tests, and operators retiring a prefix). */
  public Future<Void> delete(RabbitMQClient client) {
    List<String> queues = new ArrayList<>(List.of(workQueue(), deadQueue()));
    delays.forEach(d -> queues.add(retryQueue(d)));
    Future<Void> f = Future.succeededFuture();
    for (String q : queues) {
      f = f.compose(v -> client.queueDelete(q).<Void>mapEmpty().otherwiseEmpty());
    }
    for (String e : List.of(workExchange(), deadExchange(), eventsExchange())) {
      f = f.compose(v -> client.exchangeDelete(e).otherwiseEmpty());
    }
    return f;
  }
}
