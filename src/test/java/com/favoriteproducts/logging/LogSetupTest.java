package com.favoriteproducts.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logging set up in code ({@link LogSetup}) is the one conf/logback.xml describes: same loggers and levels, the
 * same lines in text and in JSON. The service finds it through META-INF/services, and it steps aside for a
 * logback-test.xml (as here) or a -Dlogback.configurationFile.
 */
class LogSetupTest {

  private static final Path XML = Path.of("conf/logback.xml");

  @Test
  void registeredAndStepsAsideForTheTestsFile() {
    List<Class<?>> found = new ArrayList<>();
    ServiceLoader.load(Configurator.class).forEach(c -> found.add(c.getClass()));
    assertThat(found).contains(LogSetup.class);
    // logback-test.xml is on this class path: logback's own file configurator must run.
    assertThat(new LogSetup().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEBUG", "WARN"})
  void sameLevelsAsTheFile(String rootLevel) throws Exception {
    LoggerContext code = new LoggerContext();
    LogSetup.apply(code, "text", rootLevel);
    LoggerContext file = fromFile(rootLevel);

    List<String> named = loggersNamedIn(Files.readString(XML));
    assertThat(named).hasSize(LogSetup.LEVELS.size()).containsExactlyInAnyOrderElementsOf(LogSetup.LEVELS.keySet());
    for (String name : named) {
      assertThat(code.getLogger(name).getLevel()).as(name).isEqualTo(file.getLogger(name).getLevel());
    }
    Logger root = code.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(file.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
      .isEqualTo(Level.toLevel(rootLevel));
    // A logger the configuration does not name inherits the root's level.
    assertThat(code.getLogger("com.favoriteproducts.x").getEffectiveLevel()).isEqualTo(Level.toLevel(rootLevel));
  }

  @Test
  void levelDefaultsToInfo() {
    LoggerContext code = new LoggerContext();
    LogSetup.apply(code, "text", null);
    assertThat(code.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    LoggerContext nonsense = new LoggerContext();
    LogSetup.apply(nonsense, "text", "loud");
    assertThat(nonsense.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "json"})
  void sameLinesAsTheFile(String format) throws Exception {
    LoggerContext code = new LoggerContext();
    LogSetup.apply(code, format, "INFO");
    List<Appender<ILoggingEvent>> appenders = appenders(code);
    assertThat(appenders).hasSize(1);
    LoggerContext file = fromFile("INFO");
    Appender<ILoggingEvent> fileAppender = file.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
      .getAppender("json".equals(format) ? "JSON" : "STDOUT");
    assertThat(fileAppender).isNotNull();

    String fromCode = encode(appenders.get(0), code, "json".equals(format));
    String fromFile = encode(fileAppender, file, "json".equals(format));
    assertThat(fromCode).isEqualTo(fromFile);
    if ("json".equals(format)) {
      JsonObject line = new JsonObject(fromCode.trim());
      assertThat(line.getString("message")).isEqualTo("started in 42 ms");
      assertThat(line.getString("level")).isEqualTo("INFO");
    } else {
      assertThat(fromCode).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main] c\\.f\\.http\\.HttpVerticle - started in 42 ms"
        + System.lineSeparator());
    }
  }

  private static LoggerContext fromFile(String rootLevel) throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("LOG_LEVEL", rootLevel);
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(new File(XML.toString()));
    return context;
  }

  private static List<String> loggersNamedIn(String xml) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("<logger name=\"([^\"]+)\"").matcher(xml);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static List<Appender<ILoggingEvent>> appenders(LoggerContext context) {
    List<Appender<ILoggingEvent>> list = new ArrayList<>();
    Iterator<Appender<ILoggingEvent>> it = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    it.forEachRemaining(list::add);
    return list;
  }

  /** What the appender's encoder writes for one event (the same event for both contexts). */
  private static String encode(Appender<ILoggingEvent> appender, LoggerContext context, boolean json) {
    Logger logger = context.getLogger("com.favoriteproducts.http.HttpVerticle");
    LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "started in {} ms", null, new Object[] {42});
    event.setTimeStamp(1_764_000_000_123L);
    event.setThreadName("main");
    byte[] bytes = ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder().encode(event);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
