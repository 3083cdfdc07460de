package com.favoriteproducts.bus;

import java.util.Locale;

/** Why a job {@link JobStatus#FAILED}, as {@code jobs.get} shows it in {@code reason} (the lower-case name). */
public enum JobReason implements WireName {
  /** The product API says the product does not exist: no retry. */
  PRODUCT_NOT_FOUND,
  /** The customer already has FAVORITES_MAX_PER_CUSTOMER favorites. */
  FAVORITES_LIMIT_REACHED,
  /** The product API could not answer within JOBS_MAX_ATTEMPTS attempts: the job is dead-lettered. */
  RETRIES_EXHAUSTED;

  private static final JobReason[] VALUES = values();
  private final String wire = name().toLowerCase(Locale.ROOT);

  @Override
  public String wire() {
    return wire;
  }

  /** The reason of a wire value; null for none or an unknown one. */
  public static JobReason of(String value) {
    return WireName.find(VALUES, value);
  }
}
