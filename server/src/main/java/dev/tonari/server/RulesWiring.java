package dev.tonari.server;

import dev.tonari.rules.store.RuleStore;
import dev.tonari.rules.store.RuleStoreLimits;
import java.io.IOException;

/**
 * Builds the rule store of a server from its {@code ruler} section: the rule files of
 * {@code ruler.rules_dir} (polled every {@code ruler.poll_interval}) and the namespaces written
 * through the rules API under {@code <data_dir>/rules}, with the store's default limits.
 */
final class RulesWiring {
  private RulesWiring() {}

  /** Opens the store and starts polling the rules directory; the caller closes it. */
  static RuleStore open(ServerConfig config) throws IOException {
    RuleStore store = new RuleStore(config.ruler().rules(), config.dataDir(), RuleStoreLimits.defaults());
    store.start();
    return store;
  }
}
