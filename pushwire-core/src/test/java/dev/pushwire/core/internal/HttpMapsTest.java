package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpMapsTest {
  @Test
  void packedHeadersUnpackToTheSameMapAsNettysHeaders() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Host", "127.0.0.1:9876");
    h.add("X-Tenant", "acme");
    h.add("x-tenant", "beta: with a colon");
    h.add("Empty", "");
    h.add("Cookie", "a=1; b=2");

    String packed = HttpMaps.pack(h);

    assertThat(HttpMaps.unpack(packed)).isEqualTo(HttpMaps.headers(h));
    assertThat(HttpMaps.unpack(packed))
        .containsEntry("x-tenant", List.of("acme", "beta: with a colon"))
        .containsEntry("empty", List.of(""));
    assertThat(HttpMaps.unpack(HttpMaps.pack(new DefaultHttpHeaders()))).isEmpty();
  }
}
