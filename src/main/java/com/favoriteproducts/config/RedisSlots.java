package com.favoriteproducts.config;

import java.nio.charset.StandardCharsets;

/**
 * The Redis Cluster hash slot of a key (CRC16/XMODEM of the key, or of its hash tag {@code {...}}, modulo 16384), as
 * the server computes it: how multi-key commands (a product page's MGET, the rate limiter's batched script) are split
 * so that each part names keys of one slot only. The cluster client splits MGET itself, but answers the parts in an
 * order of its own, which a reply read by index cannot use.
 */
public final class RedisSlots {

  public static final int SLOTS = 16384;
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int j = 0; j < 8; j++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xffff;
    }
  }

  private RedisSlots() {
  }

  public static int slot(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = k.length;
    int open = indexOf(k, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(k, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ k[i]) & 0xff]) & 0xffff;
    }
    return crc & (SLOTS - 1);
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
