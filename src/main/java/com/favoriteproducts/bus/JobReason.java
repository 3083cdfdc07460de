package com.favoriteproducts.bus;

import java.util.Locale;

/** Why a job {@link JobStatus#FAILED}, as {@code jobs.get} shows it in {@code reason} (the lower-case name). */
public enum JobReason implements WireName {
  /** The product API says the product does not exist: no retry. */
  PRODUCT_NOT_FOUND,
  /** The customer already has FAVORITES_MAX_PER_CUSTOMER favorites. */
  FAVORITES_LIMIT_REACHED,
  /** The product API could not answer within JOBS_MAX_ATTEMPTS attempts: the job is dead-lettered. */
  RETRIES_EXHAUSTED,
  /**
   * The product could not be stored: the product API kept sending data the service refuses, or the store of this
   * job alone kept failing, for JOBS_INVALID_PRODUCT_MAX_ATTEMPTS attempts. The job is dead-lettered (replayable).
   */
  INVALID_PRODUCT,
  /** The favorite was removed (or its customer deleted) while the add was pending: nothing is stored. */
  CANCELLED;

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
