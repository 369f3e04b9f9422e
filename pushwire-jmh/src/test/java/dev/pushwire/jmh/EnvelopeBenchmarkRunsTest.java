package dev.pushwire.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one benchmark in-process for a moment, so that a change to the code it measures that breaks
 * it (or the annotation processing that generates its harness) fails the build. It checks that a
 * score came out, never how good it is: timings here mean nothing.
 */
class EnvelopeBenchmarkRunsTest {

  @Test
  void envelopeBenchmarkProducesAPositiveScore() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include("dev\\.pushwire\\.hub\\.internal\\.PushEncoderBenchmark\\.envelope$")
            .param("payloadSize", "64")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).hasSize(1);
    RunResult result = results.iterator().next();
    assertThat(result.getParams().getBenchmark())
        .isEqualTo("dev.pushwire.hub.internal.PushEncoderBenchmark.envelope");
    assertThat(result.getPrimaryResult().getScore()).isPositive();
  }
}
