package dev.pushwire.hub.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stored form is fixed: these strings are what the Redis registry (one value each) and the
 * Memcached registry (buckets) wrote before they shared this codec, so values already in a store
 * are read back, and written again byte for byte.
 */
class RecordCodecTest {
  private static final String RECORD =
      "{\"id\":\"n1:7\",\"node\":\"n1\",\"conn\":7,\"remote\":\"10.0.0.5:50412\",\"path\":\"/\","
          + "\"user\":\"alice\",\"channels\":[\"news\",\"chat\"],\"at\":\"2025-01-01T00:00:10Z\"}";
  private static final String ANONYMOUS_RECORD =
      "{\"id\":\"n2:8\",\"node\":\"n2\",\"conn\":8,\"remote\":\"10.0.0.6:1\",\"path\":\"/ws\","
          + "\"channels\":[],\"at\":\"2025-01-01T00:00:10.123456789Z\"}";
  private static final String ENTRY =
      "{\"conn\":\"n1:7\",\"user\":\"alice\",\"node\":\"n1\",\"at\":\"2025-01-01T00:00:11Z\"}";
  private static final String ANONYMOUS_ENTRY =
      "{\"conn\":\"n2:8\",\"node\":\"n2\",\"at\":\"2025-01-01T00:00:12.500Z\"}";

  @Test
  void redisValuesReadAndWriteBackTheSame() {
    ConnectionRecord r = RecordCodec.readRecord(RECORD);
    assertThat(r)
        .isEqualTo(
            new ConnectionRecord(
                "n1:7",
                "n1",
                7,
                "10.0.0.5:50412",
                "/",
                "alice",
                List.of("news", "chat"),
                Instant.parse("2025-01-01T00:00:10Z")));
    assertThat(RecordCodec.write(r)).isEqualTo(RECORD);

    ConnectionRecord anonymous = RecordCodec.readRecord(ANONYMOUS_RECORD);
    assertThat(anonymous.user()).isNull();
    assertThat(anonymous.channels()).isEmpty();
    assertThat(RecordCodec.write(anonymous)).isEqualTo(ANONYMOUS_RECORD);

    PresenceEntry e = RecordCodec.readEntry(ENTRY);
    assertThat(e)
        .isEqualTo(new PresenceEntry("n1:7", "alice", "n1", Instant.parse("2025-01-01T00:00:11Z")));
    assertThat(RecordCodec.write(e)).isEqualTo(ENTRY);
    assertThat(RecordCodec.write(RecordCodec.readEntry(ANONYMOUS_ENTRY)))
        .isEqualTo(ANONYMOUS_ENTRY);
  }

  @Test
  void memcachedBucketsReadAndWriteBackTheSame() {
    String records = "[" + RECORD + "," + ANONYMOUS_RECORD + "]";
    List<ConnectionRecord> read = RecordCodec.readRecords(records);
    assertThat(read)
        .containsExactly(RecordCodec.readRecord(RECORD), RecordCodec.readRecord(ANONYMOUS_RECORD));
    assertThat(RecordCodec.writeRecords(read)).isEqualTo(records);
    assertThat(RecordCodec.writeRecords(List.of())).isEqualTo("[]");

    String presence = "{\"news\":[" + ENTRY + "," + ANONYMOUS_ENTRY + "],\"chat\":[" + ENTRY + "]}";
    Map<String, List<PresenceEntry>> byChannel = new LinkedHashMap<>();
    byChannel.put("news", RecordCodec.readPresence(presence, "news"));
    byChannel.put("chat", RecordCodec.readPresence(presence, "chat"));
    assertThat(byChannel.get("news")).hasSize(2);
    assertThat(RecordCodec.readPresence(presence, "other")).isEmpty();
    assertThat(RecordCodec.writePresence(byChannel)).isEqualTo(presence);
  }

  @Test
  void whatIsNotARecordIsRefused() {
    assertThatThrownBy(() -> RecordCodec.readRecord("not json"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecordCodec.readRecord("[" + RECORD + "]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> RecordCodec.readRecord("{\"id\":\"n1:7\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a connection record");
    assertThatThrownBy(() -> RecordCodec.readEntry("{\"conn\":\"n1:7\",\"node\":\"n1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a presence entry");
    assertThatThrownBy(() -> RecordCodec.readRecords("[{\"id\":1}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a connection record");
  }
}
