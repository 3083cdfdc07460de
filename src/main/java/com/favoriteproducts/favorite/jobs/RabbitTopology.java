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
 */
public final class RabbitTopology {

  public static final String ROUTING_KEY = "job";

  private final String prefix;
  private final List<Long> delays;

  public RabbitTopology(String prefix, List<Long> delays) {
    this.prefix = prefix;
    this.delays = List.copyOf(new TreeSet<>(delays));
  }

  public String workExchange() {
    return prefix + ".work";
  }

  public String workQueue() {
    return prefix + ".work";
  }

  public String deadExchange() {
    return prefix + ".dead";
  }

  public String deadQueue() {
    return prefix + ".dead";
  }

  public String eventsExchange() {
    return prefix + ".events";
  }

  public String retryQueue(long delayMs) {
    return prefix + ".retry." + delayMs;
  }

  public Future<Void> declare(RabbitMQClient client) {
    Future<Void> f = client.exchangeDeclare(workExchange(), "direct", true, false)
      .compose(v -> client.exchangeDeclare(deadExchange(), "fanout", true, false))
      .compose(v -> client.exchangeDeclare(eventsExchange(), "fanout", true, false))
      .compose(v -> client.queueDeclare(workQueue(), true, false, false,
        new JsonObject().put("x-dead-letter-exchange", deadExchange())))
      .compose(v -> client.queueBind(workQueue(), workExchange(), ROUTING_KEY))
      .compose(v -> client.queueDeclare(deadQueue(), true, false, false))
      .compose(v -> client.queueBind(deadQueue(), deadExchange(), ""))
      .mapEmpty();
    for (long d : delays) {
      f = f.compose(v -> client.queueDeclare(retryQueue(d), true, false, false, new JsonObject()
        .put("x-message-ttl", d).put("x-dead-letter-exchange", workExchange())
        .put("x-dead-letter-routing-key", ROUTING_KEY)).mapEmpty());
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
