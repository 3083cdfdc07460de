package com.favoriteproducts.fake;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deploys the stand-in in-process on a free port (one per test) and calls it over real HTTP. */
@ExtendWith(VertxExtension.class)
abstract class FakeProductsTestBase {

  static final long SEED = 7L;
  static final int SIZE = 250;   // pages of 100, 100 and 50

  Vertx vertx;
  WebClient client;
  FakeProductsVerticle verticle;

  /** The deployment config of this class's tests; PORT is forced to 0. */
  JsonObject config() {
    return new JsonObject()
        .put(FakeProductsConfig.CATALOG_SIZE, SIZE)
        .put(FakeProductsConfig.CATALOG_SEED, SEED)
        .put(FakeProductsConfig.ADMIN_ENABLED, true);
  }

  @BeforeEach
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    this.verticle = new FakeProductsVerticle();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config().put(FakeProductsConfig.PORT, 0)))
        .await();
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(verticle.actualPort()));
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  HttpResponse<Buffer> post(String uri, Object json) {
    Buffer body = json instanceof JsonObject o ? o.toBuffer() : Buffer.buffer(json.toString());
    return client.post(uri).putHeader("content-type", "application/json").sendBuffer(body).await();
  }

  HttpResponse<Buffer> delete(String uri) {
    return client.delete(uri).send().await();
  }

  HttpResponse<Buffer> setFaults(JsonObject faults) {
    return post("/__admin/faults", faults);
  }

  static String productUri(Object id) {
    return "/api/product/" + id + "/";
  }
}
