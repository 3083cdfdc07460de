package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * The TCP event-bus bridge (BRIDGE_* keys; docs/bridge.md). Every per-socket resource is bounded here, because a
 * socket is a client we do not control: what it may buffer, register, keep in flight and send per second.
 *
 * @param enabled             BRIDGE_ENABLED: false skips the role even when VERTICLES names it (logged)
 * @param host                BRIDGE_HOST: loopback by default; the bridge is for the internal network only (no TLS)
 * @param port                BRIDGE_PORT
 * @param instances           BRIDGE_INSTANCES: verticle instances (each its own sockets, one event loop each)
 * @param maxConnections      BRIDGE_MAX_CONNECTIONS: open sockets of this node's bridge instances together; one more
 *                            gets an err frame and is closed
 * @param maxFrameBytes       BRIDGE_MAX_FRAME_BYTES: a length prefix above this is refused before the frame is read
 *                            (err frame_too_large, socket closed)
 * @param maxRegistrations    BRIDGE_MAX_REGISTRATIONS: addresses one socket may be registered on at once
 * @param maxInFlight         BRIDGE_MAX_IN_FLIGHT: sends of one socket waiting for their reply at once
 * @param maxFramesPerSecond  BRIDGE_MAX_FRAMES_PER_SECOND: frames one socket may send per second (a token bucket
 *                            with as many tokens as that, refilled continuously)
 * @param maxViolations       BRIDGE_MAX_VIOLATIONS: refusals for limits or malformed frames a socket may cause; the
 *                            one that reaches it closes the socket (after its err frame)
 * @param idleTimeoutMs       BRIDGE_IDLE_TIMEOUT_MS: a socket that sends no frame (a ping counts) for this long is
 *                            closed; events written to it do not count
 * @param requestTimeoutMs    BRIDGE_REQUEST_TIMEOUT_MS: how long a send waits for the verticle's reply (then an err
 *                            frame with failureType TIMEOUT); {@code favorites.add}'s {@code timeoutMs} is kept at
 *                            most this
 * @param writeQueueMaxBytes  BRIDGE_WRITE_QUEUE_MAX_BYTES: bytes waiting to be written to one socket; a client that
 *                            reads slower than its events come is closed rather than buffered without bound
 */
public record BridgeConfig(boolean enabled, String host, int port, int instances, int maxConnections,
                           int maxFrameBytes, int maxRegistrations, int maxInFlight, int maxFramesPerSecond,
                           int maxViolations, long idleTimeoutMs, long requestTimeoutMs, int writeQueueMaxBytes) {

  public BridgeConfig {
    atLeast("BRIDGE_INSTANCES", instances, 1);
    atLeast("BRIDGE_MAX_CONNECTIONS", maxConnections, 1);
    atLeast("BRIDGE_MAX_FRAME_BYTES", maxFrameBytes, 256);
    atLeast("BRIDGE_MAX_REGISTRATIONS", maxRegistrations, 0);
    atLeast("BRIDGE_MAX_IN_FLIGHT", maxInFlight, 1);
    atLeast("BRIDGE_MAX_FRAMES_PER_SECOND", maxFramesPerSecond, 1);
    atLeast("BRIDGE_MAX_VIOLATIONS", maxViolations, 1);
    atLeast("BRIDGE_IDLE_TIMEOUT_MS", idleTimeoutMs, 100);
    atLeast("BRIDGE_REQUEST_TIMEOUT_MS", requestTimeoutMs, 100);
    atLeast("BRIDGE_WRITE_QUEUE_MAX_BYTES", writeQueueMaxBytes, 4096);
  }

  public static BridgeConfig from(JsonObject c) {
    return new BridgeConfig(bool(c, "BRIDGE_ENABLED", true), str(c, "BRIDGE_HOST", "127.0.0.1"),
      integer(c, "BRIDGE_PORT", 7000), integer(c, "BRIDGE_INSTANCES", 1), integer(c, "BRIDGE_MAX_CONNECTIONS", 1000),
      integer(c, "BRIDGE_MAX_FRAME_BYTES", 64 * 1024), integer(c, "BRIDGE_MAX_REGISTRATIONS", 16),
      integer(c, "BRIDGE_MAX_IN_FLIGHT", 32), integer(c, "BRIDGE_MAX_FRAMES_PER_SECOND", 200),
      integer(c, "BRIDGE_MAX_VIOLATIONS", 10), longValue(c, "BRIDGE_IDLE_TIMEOUT_MS", 60_000),
      longValue(c, "BRIDGE_REQUEST_TIMEOUT_MS", 5_000), integer(c, "BRIDGE_WRITE_QUEUE_MAX_BYTES", 1 << 20));
  }

  private static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException("configuration " + key + " must be at least " + min + ", got " + value);
    }
  }
}
