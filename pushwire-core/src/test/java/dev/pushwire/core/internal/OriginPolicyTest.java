package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void emptyListAllowsEveryOrigin() {
    assertThat(new OriginPolicy(List.of()).allows("https://evil.example")).isTrue();
  }

  @Test
  void exactOriginsMatchIgnoringCaseAndTrailingSlash() {
    OriginPolicy p = new OriginPolicy(List.of("https://app.example.com"));
    assertThat(p.allows("https://app.example.com")).isTrue();
    assertThat(p.allows("HTTPS://App.Example.com/")).isTrue();
    assertThat(p.allows("http://app.example.com")).isFalse();
    assertThat(p.allows("https://app.example.com:8443")).isFalse();
    assertThat(p.allows("https://evil.com")).isFalse();
  }

  @Test
  void wildcardMatchesSubdomainsButNotTheApexOrLookAlikes() {
    OriginPolicy p = new OriginPolicy(List.of("https://*.example.com"));
    assertThat(p.allows("https://a.example.com")).isTrue();
    assertThat(p.allows("https://a.b.example.com")).isTrue();
    assertThat(p.allows("https://example.com")).isFalse();
    assertThat(p.allows("https://evilexample.com")).isFalse();
    assertThat(p.allows("https://a.example.com.evil.com")).isFalse();
    assertThat(p.allows("http://a.example.com")).isFalse();
  }

  @Test
  void starAllowsEverything() {
    assertThat(new OriginPolicy(List.of("*")).allows("null")).isTrue();
  }
}
