package dev.pushwire.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.server.internal.ClientOptions;
import dev.pushwire.server.internal.api.ApiJson;
import dev.pushwire.server.internal.api.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** {@code POST /api/publish} with the JDK's HTTP client; prints each answer. */
final class HttpPublisher implements Publisher {
  private final URI endpoint;
  private final String key;
  private final String channel;
  private final boolean json;
  private final Duration timeout;
  private final PublishConsole console;
  private final HttpClient http;

  /**
   * Publishes to {@code channel} of the node at {@code base} with {@code key}; with {@code json},
   * each text is a JSON value.
   *
   * @throws IllegalArgumentException when {@code base} is no HTTP address
   */
  HttpPublisher(
      String base,
      String key,
      String channel,
      boolean json,
      Duration timeout,
      PublishConsole console) {
    this.endpoint = apiUri(base, "/api/publish");
    this.key = key;
    this.channel = channel;
    this.json = json;
    this.timeout = timeout;
    this.console = console;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletionStage<Void> publish(String text) {
    ObjectNode body = ApiJson.object().put("channel", channel);
    if (json) {
      try {
        body.set("data", ApiJson.readTree(text));
      } catch (JsonProcessingException e) {
        return CompletableFuture.failedFuture(
            new PublishFailure("not valid JSON: " + ApiJson.detail(e)));
      }
    } else {
      body.put("data", text);
    }
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header(ApiKeys.HEADER, key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ApiJson.write(body)))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, e) -> {
              if (e != null) {
                throw new CompletionException(
                    new PublishFailure(
                        "cannot reach " + endpoint + ": " + ClientOptions.rootMessage(e)));
              }
              if (response.statusCode() != 200) {
                throw new CompletionException(
                    new PublishFailure(
                        "HTTP "
                            + response.statusCode()
                            + " from "
                            + endpoint
                            + ": "
                            + message(response.body())));
              }
              console.print(response.body().strip());
              console.noteWhenNobodyListens(response.body());
              return null;
            });
  }

  private static String message(String body) {
    try {
      JsonNode node = ApiJson.MAPPER.readTree(body);
      JsonNode m = node.path("error").path("message");
      if (m.isTextual()) {
        return m.asText();
      }
    } catch (JsonProcessingException e) {
      // not the API's JSON: show the body as it is
    }
    return body.strip();
  }

  @Override
  public void close() {
    // The JDK's HTTP client needs no closing before Java 21, and its threads are daemons.
  }

  private static URI apiUri(String base, String path) {
    String b = base.trim();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    if (!b.startsWith("http://") && !b.startsWith("https://")) {
      throw new IllegalArgumentException(
          "--url: bad value '" + base + "' (expected http://HOST:PORT or https://HOST:PORT)");
    }
    try {
      URI uri = URI.create(b + path);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--url: bad value '" + base + "' (expected http://HOST:PORT or https://HOST:PORT)");
    }
  }
}
