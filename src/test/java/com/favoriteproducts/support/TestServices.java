package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;

import java.util.UUID;

/**
 * Where the tests find PostgreSQL, Redis and RabbitMQ: containers when a Docker daemon answers (a laptop, a hosted CI),
 * otherwise the services named by environment variables (PG_HOST, REDIS_HOST, RABBITMQ_HOST, ... defaulting to
 * localhost), as on this project's machines. Tests do not care which.
 */
public final class TestServices {

  private static final Logger LOG = LoggerFactory.getLogger(TestServices.class);
  private static JsonObject config;

  private TestServices() {
  }

  /** Connection settings, in the service's configuration keys. Containers start once per JVM. */
  public static synchronized JsonObject config() {
    if (config == null) {
      config = useDocker() ? containers() : local();
      // Queues and exchanges of this test run: never the service's default names, never another run's.
      config.put("RABBITMQ_QUEUE_PREFIX", env("TEST_RABBITMQ_PREFIX", "test-" + UUID.randomUUID().toString().substring(0, 8)));
    }
    return config.copy();
  }

  private static boolean useDocker() {
    if ("false".equalsIgnoreCase(System.getenv("TESTCONTAINERS"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static JsonObject local() {
    LOG.info("no Docker daemon: tests use the local services named by the environment");
    return new JsonObject()
      .put("PG_HOST", env("PG_HOST", "127.0.0.1")).put("PG_PORT", Integer.parseInt(env("PG_PORT", "5432")))
      .put("PG_USER", env("PG_USER", "postgres")).put("PG_PASSWORD", env("PG_PASSWORD", ""))
      .put("PG_DATABASE", env("TEST_PG_DATABASE", "favorites_test"))
      .put("REDIS_HOST", env("REDIS_HOST", "127.0.0.1")).put("REDIS_PORT", Integer.parseInt(env("REDIS_PORT", "6379")))
      .put("REDIS_DB", Integer.parseInt(env("TEST_REDIS_DB", "1")))
      .put("RABBITMQ_HOST", env("RABBITMQ_HOST", "127.0.0.1"))
      .put("RABBITMQ_PORT", Integer.parseInt(env("RABBITMQ_PORT", "5672")))
      .put("RABBITMQ_USER", env("RABBITMQ_USER", "guest")).put("RABBITMQ_PASSWORD", env("RABBITMQ_PASSWORD", "guest"));
  }

  @SuppressWarnings("resource")
  private static JsonObject containers() {
    LOG.info("Docker available: starting PostgreSQL, Redis and RabbitMQ containers");
    PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:15-alpine").withDatabaseName("favorites_test")
      .withUsername("postgres").withPassword("postgres");
    GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.13-alpine");
    pg.start();
    redis.start();
    rabbit.start();
    return new JsonObject()
      .put("PG_HOST", pg.getHost()).put("PG_PORT", pg.getMappedPort(5432)).put("PG_USER", "postgres")
      .put("PG_PASSWORD", "postgres").put("PG_DATABASE", "favorites_test")
      .put("REDIS_HOST", redis.getHost()).put("REDIS_PORT", redis.getMappedPort(6379)).put("REDIS_DB", 1)
      .put("RABBITMQ_HOST", rabbit.getHost()).put("RABBITMQ_PORT", rabbit.getAmqpPort())
      .put("RABBITMQ_USER", rabbit.getAdminUsername()).put("RABBITMQ_PASSWORD", rabbit.getAdminPassword());
  }

  private static String env(String key, String def) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? def : v;
  }
}
