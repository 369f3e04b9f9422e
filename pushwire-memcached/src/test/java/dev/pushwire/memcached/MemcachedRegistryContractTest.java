package dev.pushwire.memcached;

import dev.pushwire.hub.RegistryContractTest;
import dev.pushwire.hub.spi.Registry;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract on {@link MemcachedRegistry}: nodes a and b over one flushed Memcached. */
class MemcachedRegistryContractTest extends RegistryContractTest {
  @RegisterExtension static final MemcachedProcess memcached = new MemcachedProcess();

  @Override
  protected Registry newRegistry() {
    memcached.flushAll();
    return MemcachedRegistry.connect(
        MemcachedConfig.newBuilder(memcached.uri()).nodeId("a").build());
  }

  @Override
  protected Registry peerOf(Registry registry) {
    return MemcachedRegistry.connect(
        MemcachedConfig.newBuilder(memcached.uri()).nodeId("b").build());
  }
}
