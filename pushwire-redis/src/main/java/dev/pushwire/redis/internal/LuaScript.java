package dev.pushwire.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run with {@code EVALSHA}, falling back to {@code EVAL} (which caches it again) when
 * Redis does not know it, for example after a restart or {@code SCRIPT FLUSH}.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha1;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1(source);
  }

  /** The script {@code name} from this package's resources, for example {@code publish.lua}. */
  public static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script " + name, e);
    }
  }

  /** Runs the script; the result is what Lettuce makes of the reply for {@code type}. */
  public <T> CompletableFuture<T> run(
      RedisScriptingAsyncCommands<String, byte[]> commands,
      ScriptOutputType type,
      String[] keys,
      byte[]... args) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletionStage<T> first;
    try {
      first = commands.<T>evalsha(sha1, type, keys, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    first.whenComplete(
        (value, error) -> {
          if (error == null) {
            result.complete(value);
          } else if (unwrap(error) instanceof RedisNoScriptException) {
            commands
                .<T>eval(source, type, keys, args)
                .whenComplete(
                    (v, e) -> {
                      if (e == null) {
                        result.complete(v);
                      } else {
                        result.completeExceptionally(unwrap(e));
                      }
                    });
          } else {
            result.completeExceptionally(unwrap(error));
          }
        });
    return result;
  }

  /** The script's file name. */
  public String name() {
    return name;
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static String sha1(String source) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "LuaScript{" + name + ", sha1=" + sha1 + '}';
  }
}
