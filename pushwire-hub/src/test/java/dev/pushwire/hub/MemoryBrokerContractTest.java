package dev.pushwire.hub;

import dev.pushwire.hub.spi.Broker;

/** The broker contract on {@link MemoryBroker}. */
class MemoryBrokerContractTest extends BrokerContractTest {

  @Override
  protected Broker newBroker(MutableClock clock) {
    return new MemoryBroker(clock);
  }

  @Override
  protected Broker loseHistory(Broker old, MutableClock clock) {
    old.close();
    return new MemoryBroker(clock);
  }

  @Override
  protected void sleepForStragglers() {
    // Deliberately empty: the memory broker delivers before publish returns.
  }
}
