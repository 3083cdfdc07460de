package com.favoriteproducts.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which URLs a webhook may target (checked when it is registered) and which addresses a delivery may connect to
 * (checked again at every attempt against the addresses the name resolves to then, because DNS can change).
 * Unless WEBHOOKS_ALLOW_PRIVATE_TARGETS is on, only public unicast addresses: no loopback, private (RFC 1918,
 * fc00::/7), link-local (169.254/16, fe80::/10, which holds the cloud metadata endpoints), unspecified, multicast,
 * broadcast, CGNAT (100.64/10), benchmarking, documentation or reserved ranges, and no IPv6 form that embeds a
 * refused IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16).
 */
public final class Targets {

  /** A target URL taken apart: what the request is sent as (Host header and request line). */
  public record Target(String host, int port, boolean ssl, String requestUri) {

    /** The Host header: the name as written, with the port when it is not the scheme's default. */
    public String authority() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return (ssl && port == 443) || (!ssl && port == 80) ? h : h + ":" + port;
    }
  }

  private Targets() {
  }

  /** The URL as a target; IllegalArgumentException with what is wrong (a field error's message) otherwise. */
  public static Target parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("must be an http or https URL");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("must use http or https");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("must not hold credentials (user info)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("must name a host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must not have a fragment");
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() == -1 ? (ssl ? 443 : 80) : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("has an invalid port");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return new Target(host.toLowerCase(Locale.ROOT), port, ssl,
      uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
  }

  /** Why a delivery may not connect to this address (a short phrase), or null when it is a public unicast one. */
  public static String refusal(InetAddress a) {
    if (a instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      Inet4Address embedded = embeddedV4(b);
      if (embedded != null) {
        String r = refusal(embedded);
        return r == null ? null : r + " (embedded in " + a.getHostAddress() + ")";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "a unique local (private) address";
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
        return "a documentation address";
      }
    }
    if (a.isAnyLocalAddress()) {
      return "the unspecified address";
    }
    if (a.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (a.isLinkLocalAddress()) {
      return "a link-local address";
    }
    if (a.isSiteLocalAddress()) {
      return "a private address";
    }
    if (a.isMulticastAddress()) {
      return "a multicast address";
    }
    if (a instanceof Inet4Address) {
      byte[] b = a.getAddress();
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      int b2 = b[2] & 0xff;
      if (b0 == 0) {
        return "a 'this network' address";
      }
      if (b0 == 100 && b1 >= 64 && b1 <= 127) {
        return "a carrier-grade NAT (shared) address";
      }
      if (b0 == 198 && (b1 == 18 || b1 == 19)) {
        return "a benchmarking address";
      }
      if ((b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) || (b0 == 198 && b1 == 51 && b2 == 100)
        || (b0 == 203 && b1 == 0 && b2 == 113)) {
        return "a reserved or documentation address";
      }
      if (b0 >= 240) {
        return "a reserved or broadcast address";
      }
    }
    return null;
  }

  /** The IPv4 address an IPv6 one carries (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4), or null. */
  private static Inet4Address embeddedV4(byte[] b) {
    boolean zero10 = true;
    for (int i = 0; i < 10; i++) {
      zero10 &= b[i] == 0;
    }
    boolean mapped = zero10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = zero10 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
    boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    try {
      if (mapped || compatible || nat64) {
        return (Inet4Address) InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return (Inet4Address) InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
    } catch (java.net.UnknownHostException impossible) {
      return null;
    }
    return null;
  }
}
