package com.favoriteproducts.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.Locale;

/**
 * Lets an appender write only when {@code LOG_FORMAT} (system property, else environment variable) selects its
 * {@code format}: {@code json} selects the JSON appender; anything else, or nothing, the text one (today's pattern).
 * conf/logback.xml has one appender per format, each with this filter; the choice is made once, at start (LogSetup,
 * the configuration in code, picks the one appender instead).
 */
public class FormatFilter extends Filter<ILoggingEvent> {

  /** The selected format: "json" or "text". */
  public static final String SELECTED = selected();

  private boolean mine;

  static String selected() {
    String v = LogSetup.setting("LOG_FORMAT");
    return v != null && v.trim().toLowerCase(Locale.ROOT).equals("json") ? "json" : "text";
  }

  /** The format this appender writes: {@code json} or {@code text}. */
  public void setFormat(String format) {
    this.mine = SELECTED.equalsIgnoreCase(format == null ? "" : format.trim());
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return mine ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
