package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.bool;

/**
 * How the Vert.x instance itself runs.
 *
 * @param nativeTransport NATIVE_TRANSPORT: use Netty's native epoll transport when it is available (Linux x86_64;
 *                        elsewhere, or when it fails to load, Vert.x falls back to NIO and says so at start)
 */
public record RuntimeConfig(boolean nativeTransport) {

  public static RuntimeConfig from(JsonObject c) {
    return new RuntimeConfig(bool(c, "NATIVE_TRANSPORT", true));
  }
}
