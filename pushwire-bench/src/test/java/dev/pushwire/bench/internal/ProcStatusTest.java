package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatusTest {
  private static final String STATUS =
      "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 9001232 kB\n"
          + "VmHWM:\t  301220 kB\nVmRSS:\t  285536 kB\nRssAnon:\t  262144 kB\nThreads:\t31\n";

  @Test
  void readsVmRssInBytes() {
    assertThat(ProcStatus.parseRssBytes(STATUS)).isEqualTo(285_536L * 1024);
  }

  @Test
  void aStatusWithoutVmRssIsAClearError() {
    assertThatThrownBy(() -> ProcStatus.parseRssBytes("Name:\tkthreadd\nState:\tS\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no VmRSS line");
  }

  @Test
  void anUnreadableVmRssIsAClearError() {
    assertThatThrownBy(() -> ProcStatus.parseRssBytes("VmRSS:\t lots kB\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable VmRSS");
  }

  @Test
  void readsThisProcess() {
    long pid = ProcessHandle.current().pid();
    assertThat(ProcStatus.rssBytes(pid)).isGreaterThan(1024 * 1024);
    assertThat(ProcStatus.cpuNanos(pid)).isPositive();
  }

  @Test
  void aMissingProcessIsAClearError() {
    assertThatThrownBy(() -> ProcStatus.rssBytes(Integer.MAX_VALUE))
        .hasMessageContaining("no process " + Integer.MAX_VALUE);
  }

  @Test
  void cpuTicksAreCountedFromTheEndOfTheCommandName() {
    String stat =
        "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 31 0 100"
            + " 9000000 70000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    assertThat(ProcStatus.parseCpuTicks(stat)).isEqualTo(325);
    assertThat(ProcStatus.parseCpuTimes(stat)).containsExactly(250, 75);
  }

  @Test
  void tellsTheJitCompilerThreadsByName() {
    String rest = " S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 31 0 100";
    assertThat(ProcStatus.isJitThread("4250 (C2 CompilerThre)" + rest)).isTrue();
    assertThat(ProcStatus.isJitThread("4251 (C1 CompilerThre)" + rest)).isTrue();
    assertThat(ProcStatus.isJitThread("4252 (pushwire-io-1-1)" + rest)).isFalse();
    assertThat(ProcStatus.isJitThread("4253 (VM Thread)" + rest)).isFalse();
  }

  @Test
  void thisJvmHasJitCompilerThreadsThatUsedCpu() {
    // The test JVM has compiled code by now (JUnit alone takes thousands of methods through C1).
    assertThat(ProcStatus.jitCpuNanos(ProcessHandle.current().pid())).isPositive();
    assertThat(ProcStatus.jitCpuNanos(Integer.MAX_VALUE)).isZero();
  }
}
