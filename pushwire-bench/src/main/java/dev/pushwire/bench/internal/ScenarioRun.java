package dev.pushwire.bench.internal;

/**
 * What a scenario's run holds: its settings, the client whose event loops it runs on, and where its
 * progress lines go.
 *
 * @param <S> the scenario's settings
 */
abstract class ScenarioRun<S> {
  final S settings;
  final BenchClient client;
  final Progress progress;

  ScenarioRun(S settings, BenchClient client, Progress progress) {
    this.settings = settings;
    this.client = client;
    this.progress = progress;
  }

  /** Runs to the end and returns the summary. */
  abstract Summary run() throws Exception;
}
