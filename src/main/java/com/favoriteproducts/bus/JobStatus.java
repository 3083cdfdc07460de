package com.favoriteproducts.bus;

import java.util.Locale;

/** The status of an add job, as {@code jobs.get} and the job table hold it (the wire value is the lower-case name). */
public enum JobStatus implements WireName {
  /** Waiting for (another) attempt. */
  PENDING,
  /** The favorite is stored. */
  DONE,
  /** Given up, with a {@link JobReason}. */
  FAILED;

  private static final JobStatus[] VALUES = values();
  private final String wire = name().toLowerCase(Locale.ROOT);

  @Override
  public String wire() {
    return wire;
  }

  /** The status of a wire value; null for anything else. */
  public static JobStatus of(String value) {
    return WireName.find(VALUES, value);
  }
}
