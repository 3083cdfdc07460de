package com.favoriteproducts.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.TestApp.await;

/**
 * A webhook receiver for tests: an HTTP server on a free loopback port, in a Vert.x of its own (it outlives the app
 * under test, for restart tests), that records every request and answers as told: a status ({@link #answer}), a
 * redirect ({@link #redirectTo}), nothing at all ({@link #hang}), or no server at all ({@link #down}/{@link #up}).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as it arrived, and the status it was answered with (0: not answered). */
  public record Received(String webhookId, String timestamp, String signature, String contentType, Buffer body,
                         int answered) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The CloudEvent's subject: the customer. */
    public String customerId() {
      return json().getString("subject");
    }
  }

  private final Vertx vertx = Vertx.vertx();
  public final int port;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile int status = 204;
  private volatile String location;
  private volatile boolean hang;
  private HttpServer server;

  private WebhookReceiver(int port) {
    this.port = port;
  }

  public static WebhookReceiver start() {
    WebhookReceiver r = new WebhookReceiver(TestApp.freePort());
    r.up();
    return r;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks/favorites?from=test";
  }

  public void answer(int status) {
    this.hang = false;
    this.location = null;
    this.status = status;
  }

  public void redirectTo(String url) {
    this.hang = false;
    this.location = url;
    this.status = 302;
  }

  public void hang() {
    this.hang = true;
  }

  public synchronized void up() {
    if (server != null) {
      return;
    }
    server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (hang) {
        received.add(new Received(req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"),
          req.getHeader("webhook-signature"), req.getHeader("content-type"), body, 0));
        return; // never answers
      }
      int s = status;
      received.add(new Received(req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"),
        req.getHeader("webhook-signature"), req.getHeader("content-type"), body, s));
      if (location != null) {
        req.response().putHeader("Location", location);
      }
      req.response().setStatusCode(s).end();
    })).listen(port, "127.0.0.1"));
  }

  /** Closes the server: attempts find the port closed. */
  public synchronized void down() {
    if (server != null) {
      await(server.close());
      server = null;
    }
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The requests about one customer, in arrival order. */
  public List<Received> about(String customerId) {
    return received.stream().filter(r -> customerId.equals(r.customerId())).toList();
  }

  /** Those answered 2xx. */
  public List<Received> accepted(String customerId) {
    return about(customerId).stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
