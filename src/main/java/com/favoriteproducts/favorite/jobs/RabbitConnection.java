package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.config.RabbitConfig;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import com.favoriteproducts.Deadlines;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConfirmation;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.impl.RabbitMQClientImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One RabbitMQ connection (one channel) owned by a verticle, kept alive by the verticle itself.
 *
 * <p>The 5.0.7 client's own reconnection restarts consumers and replays publisher queues behind the caller's back;
 * here a lost connection is simply replaced: a watchdog (every RABBITMQ_RECONNECT_INTERVAL_MS) notices a closed
 * connection or a replaced channel, fails the publications awaiting a confirm (their jobs stay unconfirmed in
 * PostgreSQL and the sweeper publishes them again), and builds a new client. Every new client declares the topology
 * in its {@code addConnectionEstablishedCallback} and then runs {@code onConnected} (the consumer). While the broker
 * is unreachable the service keeps running: adds are durable in PostgreSQL.
 *
 * <p>Failover: each connection attempt walks RABBITMQ_ADDRESSES in order and keeps the first endpoint that answers
 * (one client per endpoint, so the order is the configured one and the log names the endpoint); when that connection
 * is lost the next attempt starts again from the first address, skipping the dead one within the same attempt.
 * Nothing is lost in a failover: publications awaiting a confirm fail (their jobs are republished by the sweeper),
 * unacknowledged deliveries go back to their queue (quorum queues keep them on the surviving replicas).
 * With quorum queues every connection also runs the {@link QueueMigration} from the classic queues of the prefix.
 *
 * <p>Publications use publisher confirms: {@link #publish} completes when the broker has the message.
 */
final class RabbitConnection {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitConnection.class);
  private static final long CONFIRM_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final RabbitConfig config;
  private final RabbitTopology topology;
  private final int prefetch;
  private final Function<RabbitMQClient, Future<Void>> onConnected;
  private final Runnable afterConnect;

  private RabbitMQClient client;
  private long channelInstance;
  private NavigableMap<Long, Promise<Void>> unconfirmed = new ConcurrentSkipListMap<>();
  private boolean connecting;
  private boolean closed;
  private long watchdog = -1;
  private long failures;
  private RabbitConfig.Endpoint endpoint;
  private final QueueMigration migration;

  RabbitConnection(Vertx vertx, RabbitConfig config, RabbitTopology topology, int prefetch,
                   Function<RabbitMQClient, Future<Void>> onConnected, Runnable afterConnect) {
    this.vertx = vertx;
    this.config = config;
    this.topology = topology;
    this.prefetch = prefetch;
    this.onConnected = onConnected;
    this.afterConnect = afterConnect;
    this.migration = new QueueMigration(vertx, config, topology);
  }

  /** The endpoint of the current connection, or null while disconnected. */
  RabbitConfig.Endpoint endpoint() {
    return connected() ? endpoint : null;
  }

  /**
   * Connects, then keeps the connection alive. Completes when the first attempt is over, connected or not: it never
   * fails (an unreachable broker is retried every RABBITMQ_RECONNECT_INTERVAL_MS).
   */
  Future<Void> start() {
    Promise<Void> firstAttempt = Promise.promise();
    connect(firstAttempt);
    watchdog = vertx.setPeriodic(config.reconnectIntervalMs(), t -> check());
    return firstAttempt.future();
  }

  Future<Void> close() {
    closed = true;
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
    }
    RabbitMQClient c = client;
    client = null;
    failUnconfirmed(unconfirmed, "the RabbitMQ connection is closing");
    return c == null ? Future.succeededFuture() : c.stop().otherwiseEmpty();
  }

  boolean connected() {
    return client != null && client.isConnected() && client.isOpenChannel();
  }

  /** The current client, or null while disconnected. */
  RabbitMQClient client() {
    return connected() ? client : null;
  }

  /** Publishes a persistent message and completes once the broker confirmed it. */
  Future<Void> publish(String exchange, String routingKey, BasicProperties props, Buffer body) {
    RabbitMQClient c = client();
    if (c == null) {
      return Future.failedFuture("RabbitMQ is not connected");
    }
    NavigableMap<Long, Promise<Void>> waiting = unconfirmed;
    Promise<Void> confirmed = Promise.promise();
    long[] tag = {-1};
    return c.basicPublishWithDeliveryTag(exchange, routingKey, props, body, t -> {
        tag[0] = t;
        waiting.put(t, confirmed);
      })
      .compose(v -> Deadlines.within(vertx, confirmed.future(), CONFIRM_TIMEOUT_MS))
      .onFailure(err -> waiting.remove(tag[0]));
  }

  /**
   * Publishes without waiting for the broker's confirm (best-effort messages: events): completes once handed to the
   * channel. No promise, timer or map entry per message; the channel still gets a confirm, which {@link #onConfirm}
   * ignores (no publication waits for it).
   */
  Future<Void> publishUnconfirmed(String exchange, String routingKey, BasicProperties props, Buffer body) {
    RabbitMQClient c = client();
    return c == null ? Future.failedFuture("RabbitMQ is not connected")
      : c.basicPublish(exchange, routingKey, props, body);
  }

  /**
   * Acknowledges a delivery and every earlier one not settled yet (multiple), on the client that delivered them; a
   * no-op when that connection is gone (they are redelivered).
   */
  Future<Void> ackUpTo(RabbitMQClient from, RabbitMQMessage msg) {
    return from == client ? from.basicAck(msg.envelope().getDeliveryTag(), true) : Future.succeededFuture();
  }

  Future<Void> nack(RabbitMQClient from, RabbitMQMessage msg, boolean requeue) {
    return from == client ? from.basicNack(msg.envelope().getDeliveryTag(), false, requeue) : Future.succeededFuture();
  }

  /** A best-effort CloudEvent in structured mode (the fanout exchange's events). */
  static AMQP.BasicProperties transientCloudEvent(String messageId, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().contentType(FavoriteEvent.CONTENT_TYPE).deliveryMode(1)
      .messageId(messageId).headers(headers).timestamp(new java.util.Date()).build();
  }

  static AMQP.BasicProperties persistentJson(String messageId, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).messageId(messageId)
      .headers(headers).timestamp(new java.util.Date()).build();
  }

  private void connect(Promise<Void> attempted) {
    if (connecting || closed || client != null) {
      attempted.tryComplete();
      return;
    }
    connecting = true;
    attempt(0, attempted);
  }

  /** Tries the address at {@code index}, then the next ones, until one connects or all failed. */
  private void attempt(int index, Promise<Void> attempted) {
    RabbitConfig.Endpoint at = config.addresses().get(index);
    RabbitMQClient c = RabbitMQClient.create(vertx, config.options(at));
    NavigableMap<Long, Promise<Void>> waiting = new ConcurrentSkipListMap<>();
    Promise<Void> declared = Promise.promise();
    // Runs on every connection of this client; start() does not wait for it, so the set-up below waits on `declared`.
    c.addConnectionEstablishedCallback(p -> topology.declare(c)
      .compose(v -> c.basicQos(prefetch))
      .compose(v -> c.addConfirmListener(100_000))
      .onSuccess(confirms -> confirms.handler(conf -> onConfirm(waiting, conf)))
      .<Void>mapEmpty()
      .onComplete(declared)
      .onComplete(p));
    c.start()
      .compose(v -> declared.future().timeout(30, TimeUnit.SECONDS))
      .compose(v -> onConnected.apply(c))
      .onComplete(ar -> {
        if (ar.succeeded() && !closed) {
          connecting = false;
          client = c;
          endpoint = at;
          unconfirmed = waiting;
          channelInstance = channelInstance(c);
          LOG.info("RabbitMQ connected to {} ({} of {} addresses); {} topology {}.* declared", at, index + 1,
            config.addresses().size(), topology.quorum() ? "quorum" : "classic", topology.prefix());
          failures = 0;
          afterConnect.run();
          migration.run(at);
          attempted.tryComplete();
          return;
        }
        c.stop().otherwiseEmpty();
        if (!closed && index + 1 < config.addresses().size()) {
          if (ar.failed()) {
            LOG.debug("RabbitMQ at {} unreachable ({}); trying the next address", at, ar.cause().getMessage());
          }
          attempt(index + 1, attempted);
          return;
        }
        connecting = false;
        if (ar.failed() && failures++ % 30 == 0) {
          LOG.warn("RabbitMQ unreachable at {} ({}); adds stay durable in PostgreSQL; retrying every {} ms",
            config.addresses(), ar.cause().getMessage(), config.reconnectIntervalMs());
        }
        attempted.tryComplete();
      });
  }

  /** The watchdog: replace a lost connection, or a channel the client silently reopened (its consumer is gone). */
  private void check() {
    if (closed) {
      return;
    }
    RabbitMQClient c = client;
    if (c != null && (!c.isConnected() || !c.isOpenChannel() || channelInstance(c) != channelInstance)) {
      LOG.warn("RabbitMQ connection to {} lost; reconnecting", endpoint);
      client = null;
      failUnconfirmed(unconfirmed, "the RabbitMQ connection was lost");
      c.stop().otherwiseEmpty();
    }
    if (client == null) {
      connect(Promise.promise());
    }
  }

  private static long channelInstance(RabbitMQClient c) {
    return c instanceof RabbitMQClientImpl impl ? impl.getChannelInstance() : 0;
  }

  private static void onConfirm(NavigableMap<Long, Promise<Void>> waiting, RabbitMQConfirmation conf) {
    Map<Long, Promise<Void>> done = conf.isMultiple() ? waiting.headMap(conf.getDeliveryTag(), true)
      : waiting.subMap(conf.getDeliveryTag(), true, conf.getDeliveryTag(), true);
    for (Long tag : done.keySet().toArray(new Long[0])) {
      Promise<Void> p = waiting.remove(tag);
      if (p == null) {
        continue;
      }
      if (conf.isSucceeded()) {
        p.tryComplete();
      } else {
        p.tryFail("RabbitMQ refused the message (nack)");
      }
    }
  }

  private static void failUnconfirmed(NavigableMap<Long, Promise<Void>> waiting, String why) {
    for (Long tag : waiting.keySet().toArray(new Long[0])) {
      Promise<Void> p = waiting.remove(tag);
      if (p != null) {
        p.tryFail(why);
      }
    }
  }
}
