package com.favoriteproducts.bus;

/** A protocol value whose wire form is its lower-case name ({@link JobStatus}, {@link JobReason}). */
interface WireName {

  String wire();

  /** The value of {@code values} whose wire form is {@code wire}; null for none. */
  static <E extends WireName> E find(E[] values, String wire) {
    for (E e : values) {
      if (e.wire().equals(wire)) {
        return e;
      }
    }
    return null;
  }
}
