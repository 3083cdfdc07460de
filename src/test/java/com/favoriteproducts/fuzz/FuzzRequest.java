package com.favoriteproducts.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated request, as bytes on the wire plus what the fuzzer meant by it.
 *
 * @param index      its number in the run: with the seed, the same index generates the same kind of request again
 * @param mode       valid, boundary or invalid
 * @param fault      what is wrong with it ("body.name wrong type"), or null
 * @param field      the one field at fault, which a 400 must name; null when no single field is
 * @param mustReject the contract (or HTTP) says this request is invalid: it must get a 4xx and change nothing
 * @param routed     false when the request may reach another operation than {@code op} (a dot segment in the path):
 *                   its 2xx body is not checked against {@code op}'s schema
 * @param headers    name and value; a value's chars are bytes (ISO-8859-1), so UTF-8 is already encoded
 * @param body       the body bytes, or null; {@code contentLength} false when a header fault sets it itself
 * @param bodyValue  the value tree the body encodes (null when the body is not a JSON value)
 */
record FuzzRequest(int index, Contract.Op op, String mode, String fault, String field, boolean mustReject, boolean routed,
                   String method, String target, List<String[]> headers, byte[] body, boolean contentLength,
                   Object bodyValue) {

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (String[] h : headers) {
      out.writeBytes((h[0] + (h[1] == null ? "" : ": " + h[1]) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    if (contentLength && body != null) {
      out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** The request for a failure message: every byte shown (escaped), long runs shortened with their length. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("#").append(index).append(' ').append(mode);
    if (fault != null) {
      sb.append(" [").append(fault).append(']');
    }
    sb.append("\n      ").append(escape(method.getBytes(StandardCharsets.ISO_8859_1), 600)).append(' ')
      .append(escape(target.getBytes(StandardCharsets.ISO_8859_1), 600));
    for (String[] h : headers) {
      sb.append("\n      ").append(escape(h[0].getBytes(StandardCharsets.ISO_8859_1), 200));
      if (h[1] != null) {
        sb.append(": ").append(escape(h[1].getBytes(StandardCharsets.ISO_8859_1), 300));
      }
    }
    if (body != null) {
      sb.append("\n      body (").append(body.length).append(" bytes): ").append(escape(body, 600));
    }
    return sb.toString();
  }

  /** Printable ASCII as is, everything else as \xNN; the middle of a long run elided. */
  static String escape(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    int n = bytes.length;
    for (int i = 0; i < n; i++) {
      if (n > max && i == max / 2) {
        sb.append("...(").append(n - max).append(" more bytes)...");
        i = n - max / 2;
      }
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    return sb.toString();
  }
}
