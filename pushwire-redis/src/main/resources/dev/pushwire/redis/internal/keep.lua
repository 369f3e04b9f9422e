-- Keeps the position of a channel that a node is subscribed to but that has no publication yet.
-- A read made that stream (top 0) with the short stream ttl, so that readers of random channel
-- names leave nothing lasting behind; while a node has subscribers on the channel, it must not
-- expire, or the first publication would start a new epoch under those subscribers.
--
-- KEYS[1]  the channel's meta hash (see publish.lua)
-- ARGV[1]  the stream ttl, ms
-- Returns 1 if the stream was kept, 0 if it has publications (their ttl applies) or is gone.
if redis.call('HGET', KEYS[1], 'top') == '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
