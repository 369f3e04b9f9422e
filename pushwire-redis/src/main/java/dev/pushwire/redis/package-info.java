/**
 * Redis backends for the hub: {@link dev.pushwire.redis.RedisBroker} (offsets, history and
 * cross-node delivery) and {@link dev.pushwire.redis.RedisRegistry} (connections and presence),
 * both configured by {@link dev.pushwire.redis.RedisConfig}. Built on Lettuce.
 */
package dev.pushwire.redis;
