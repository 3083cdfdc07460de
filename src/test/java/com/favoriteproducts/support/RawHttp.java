package com.favoriteproducts.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, so a test (the contract fuzzer) sends exactly the bytes it means (bad UTF-8, bad percent-encoding,
 * duplicate and malformed headers), which no HTTP client library would send. One keep-alive connection, reopened
 * when the server closes it. Blocking: used from the fuzzer's own threads, never from an event loop.
 */
public final class RawHttp implements AutoCloseable {

  /** A response; {@code status} 0 when the server closed the connection or timed out without answering. */
  public record Response(int status, List<String[]> headers, byte[] body, String noAnswer) {

    public String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public RawHttp(String host, int port, int timeoutMs) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  /** Sends the request bytes and reads one response; a reused connection the server had closed is retried once. */
  public Response exchange(byte[] request, boolean head) {
    boolean reused = socket != null;
    Response r = attempt(request, head);
    if (r.status() == 0 && reused && !r.noAnswer().startsWith("timeout")) {
      r = attempt(request, head);
    }
    return r;
  }

  private Response attempt(byte[] request, boolean head) {
    try {
      if (socket == null) {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      out.write(request);
      out.flush();
      Response r = read(head);
      String connection = r.header("Connection");
      if (r.status() == 0 || (connection != null && connection.toLowerCase(Locale.ROOT).contains("close"))) {
        close();
      }
      return r;
    } catch (SocketTimeoutException e) {
      close();
      return new Response(0, List.of(), new byte[0], "timeout after " + timeoutMs + " ms");
    } catch (IOException e) {
      close();
      return new Response(0, List.of(), new byte[0], "connection failed: " + e.getMessage());
    }
  }

  private Response read(boolean head) throws IOException {
    String statusLine;
    List<String[]> headers;
    int status;
    do { // skip interim responses (100 Continue)
      statusLine = line();
      if (statusLine == null) {
        return new Response(0, List.of(), new byte[0], "closed without a response");
      }
      String[] parts = statusLine.split(" ", 3);
      status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      headers = new ArrayList<>();
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        headers.add(colon < 0 ? new String[] {h, ""} : new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
      }
    } while (status >= 100 && status < 200);
    Response partial = new Response(status, headers, new byte[0], null);
    if (head || status == 204 || status == 304) {
      return partial;
    }
    String te = partial.header("Transfer-Encoding");
    String cl = partial.header("Content-Length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
           size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
        // trailers are ignored
      }
    } else if (cl != null) {
      body.write(in.readNBytes(Integer.parseInt(cl)));
    } else {
      body.write(in.readAllBytes());
      close();
    }
    return new Response(status, headers, body.toByteArray(), null);
  }

  /** A CRLF-terminated line as ISO-8859-1, without the CRLF; null at end of stream. */
  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    socket = null;
  }
}
