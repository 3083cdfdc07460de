package com.favoriteproducts.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

import java.util.Locale;
import java.util.Map;

/**
 * The service's logging set up in code, found by logback through {@code META-INF/services}: the same configuration
 * as {@code conf/logback.xml}, without parsing it. Reading an XML configuration (a SAX parser, logback's model and its
 * reflection) took 0.2-0.4 s of the main thread before anything else started, a tenth of the start-up.
 *
 * <p>It steps aside, and logback reads its usual files, when {@code -Dlogback.configurationFile=...} names a file
 * (for instance {@code conf/logback.xml}, edited) or a {@code logback-test.xml} is on the class path (the tests').
 *
 * <p>One console appender: text ({@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n}) or, when
 * {@code LOG_FORMAT} is {@code json}, one {@link JsonLayout} object per line. The root level comes from
 * {@code LOG_LEVEL} (system property, else environment variable; default INFO).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public class LogSetup extends ContextAwareBase implements Configurator {

  /** Text lines, the pattern conf/logback.xml has. */
  public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

  /** Loggers quieter than the root, as in conf/logback.xml. */
  static final Map<String, Level> LEVELS = Map.of(
    "io.netty", Level.WARN,
    "com.hazelcast", Level.WARN,
    "com.hazelcast.cp", Level.ERROR,
    // "This Gauge has been already registered": harmless duplicates from the clustered event bus metrics
    "io.micrometer.core.instrument.MeterRegistry", Level.ERROR,
    "io.vertx.ext.web.openapi", Level.WARN,
    // The RabbitMQ client logs a stack trace per failed connection attempt; RabbitConnection reports the state itself.
    "io.vertx.rabbitmq.impl.RabbitMQClientImpl", Level.OFF);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader loader = LogSetup.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context, FormatFilter.selected(), setting("LOG_LEVEL"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Configures {@code context}: format {@code json} or anything else (text), root level {@code level} (null: INFO). */
  static void apply(LoggerContext context, String format, String level) {
    context.getStatusManager().add(new NopStatusListener());

    Encoder<ILoggingEvent> encoder;
    if ("json".equals(format)) {
      JsonLayout layout = new JsonLayout();
      layout.setContext(context);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> wrapping = new LayoutWrappingEncoder<>();
      wrapping.setLayout(layout);
      encoder = wrapping;
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern(PATTERN);
      encoder = pattern;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("json".equals(format) ? "JSON" : "STDOUT");
    console.setEncoder(encoder);
    console.start();

    LEVELS.forEach((name, l) -> context.getLogger(name).setLevel(l));
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level == null ? Level.INFO : Level.toLevel(level.trim().toUpperCase(Locale.ROOT), Level.INFO));
    root.addAppender(console);
  }

  /**
   * A logging setting: the system property {@code name}, else the environment variable (logging starts before
   * conf/config.json is read).
   */
  static String setting(String name) {
    String v = System.getProperty(name);
    return v != null ? v : System.getenv(name);
  }
}
