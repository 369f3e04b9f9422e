package dev.pushwire.hub;

import dev.pushwire.hub.spi.Registry;

/** The registry contract on {@link MemoryRegistry}. */
class MemoryRegistryContractTest extends RegistryContractTest {

  @Override
  protected Registry newRegistry() {
    return new MemoryRegistry();
  }

  @Override
  protected Registry peerOf(Registry registry) {
    // Nodes in one JVM share one memory registry, as nodes share one Redis.
    return registry;
  }
}
