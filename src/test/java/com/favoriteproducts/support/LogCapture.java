package com.favoriteproducts.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.favoriteproducts.logging.JsonLayout;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** An appender that keeps every event it gets as {@code LOG_FORMAT=json} formats it (one line per event). */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

  public final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final JsonLayout layout = new JsonLayout();

  @Override
  public void start() {
    layout.setContext(getContext());
    layout.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(layout.doLayout(event));
  }
}
