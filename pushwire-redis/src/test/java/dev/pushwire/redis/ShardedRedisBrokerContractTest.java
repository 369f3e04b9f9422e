package dev.pushwire.redis;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker contract on a {@link ShardedRedisBroker} over three independent Redis servers, all
 * flushed before each test.
 */
class ShardedRedisBrokerContractTest extends RedisBrokerContract {
  @RegisterExtension static final RedisServerProcess one = new RedisServerProcess();
  @RegisterExtension static final RedisServerProcess two = new RedisServerProcess();
  @RegisterExtension static final RedisServerProcess three = new RedisServerProcess();

  @Override
  protected String uri() {
    return List.of(one, two, three).stream()
        .map(RedisServerProcess::uri)
        .collect(Collectors.joining(" "));
  }

  @Override
  protected void flushAll() {
    List.of(one, two, three).forEach(RedisServerProcess::flushAll);
  }
}
