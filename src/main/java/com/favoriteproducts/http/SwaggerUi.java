package com.favoriteproducts.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Swagger UI from the swagger-ui-dist webjar (no CDN), pointed at {@code /openapi.yaml}. */
final class SwaggerUi {

  private static final String INITIALIZER = """
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: "/openapi.yaml",
        dom_id: "#swagger-ui",
        deepLinking: true,
        persistAuthorization: true,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: "StandaloneLayout"
      });
    };
    """;

  private final String webroot;

  private SwaggerUi(String webroot) {
    this.webroot = webroot;
  }

  /** Finds the webjar's version from its pom.properties (a classpath read: done off the event loop). */
  static Future<SwaggerUi> load(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      Properties p = new Properties();
      try (InputStream in = SwaggerUi.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/swagger-ui-dist/pom.properties")) {
        if (in == null) {
          throw new IllegalStateException("swagger-ui-dist webjar missing from the classpath");
        }
        p.load(in);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return new SwaggerUi("META-INF/resources/webjars/swagger-ui-dist/" + p.getProperty("version"));
    });
  }

  void mount(Router router, String base) {
    router.get(base).handler(rc -> {
      if (rc.request().path().endsWith("/")) {
        rc.next();
      } else {
        rc.redirect(base + "/");
      }
    });
    router.get(base + "/swagger-initializer.js").handler(rc ->
      rc.response().putHeader("Content-Type", "application/javascript").end(INITIALIZER));
    router.get(base + "/*").handler(StaticHandler.create(webroot).setCachingEnabled(true));
  }
}
