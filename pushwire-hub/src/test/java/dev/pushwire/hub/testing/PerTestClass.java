package dev.pushwire.hub.testing;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers a test class starts before its first test and stops after its last: register a subclass
 * as a static {@code @RegisterExtension} field. Tests may also stop and start them in between.
 */
public abstract class PerTestClass implements BeforeAllCallback, AfterAllCallback {

  /** Starts the servers and waits until they are ready; does nothing while they run. */
  public abstract void start() throws IOException, InterruptedException;

  /** Stops the servers; does nothing when they do not run. */
  public abstract void stop();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }
}
