package dev.pushwire.redis;

import java.util.ArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (nodes, servers, clients), closed after each test in reverse order, so that a
 * client goes before the node it is connected to and a node before its backend. Register it as an
 * instance {@code @RegisterExtension} field and pass it where a {@code List<AutoCloseable>} of
 * resources is asked for.
 */
final class ClosedAfterEach extends ArrayList<AutoCloseable> implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      for (int i = size() - 1; i >= 0; i--) {
        get(i).close();
      }
    } finally {
      clear();
    }
  }
}
