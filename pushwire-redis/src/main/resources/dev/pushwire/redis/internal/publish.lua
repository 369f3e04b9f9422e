-- Publishes one publication on a Pushwire channel: assigns the next offset, appends the
-- publication to the channel's history, trims the history by count and age, refreshes the TTLs,
-- and PUBLISHes it to the channel's topic. One script, so all of it is one atomic step, and
-- publications reach the topic in offset order.
--
-- KEYS[1]  the channel's meta hash: epoch, top (the last offset), ttl (history ttl, ms), replid
--          (the replication id of the server that wrote it last)
-- KEYS[2]  the channel's history list, newest first; element i holds offset top - i
-- ARGV[1]  the topic to PUBLISH to
-- ARGV[2]  an epoch to use if the stream has none (random, made by the caller)
-- ARGV[3]  now, in ms since the Unix epoch (the publisher's clock)
-- ARGV[4]  history size (0 keeps none)
-- ARGV[5]  history ttl, ms
-- ARGV[6]  meta ttl, ms: how long top and epoch outlive the last publication
-- ARGV[7]  the encoded publication body (info and data)
-- ARGV[8]  the epoch of the last position the caller saw on this channel ('' for none)
-- ARGV[9]  the offset of that position (-1 for none)
-- ARGV[10] 1 if the stream must start a new epoch when it was last written under another
--          replication id (a promoted replica may lack the last writes), else 0 (then replid is
--          left as it is)
-- ARGV[11] the command to send the publication with: PUBLISH, or SPUBLISH (sharded pub/sub in a
--          Redis Cluster; the topic then carries the channel's hash tag, so it is in this slot)
-- Returns {offset, epoch}.
local meta, hist = KEYS[1], KEYS[2]
local now = tonumber(ARGV[3])
local size = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
-- INFO costs about 25 microseconds of Redis's one thread: read it only when it is used.
local replid = nil
if ARGV[10] == '1' then
  replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
end

local epoch = redis.call('HGET', meta, 'epoch')
if epoch then
  -- A stream behind what the caller saw in it lost writes (a failover to a replica that had not
  -- got them, a restart from an old dump): going on would give its lost offsets to new
  -- publications, which those who saw the old ones would take for duplicates. A stream last
  -- written on another replication history may have lost writes that no caller saw. Either way
  -- it starts over in a new epoch, and subscribers are told.
  local top = tonumber(redis.call('HGET', meta, 'top') or '0')
  local behind = ARGV[8] == epoch and top < tonumber(ARGV[9])
  local written = redis.call('HGET', meta, 'replid')
  local moved = replid and written and written ~= replid
  if behind or moved then
    epoch = nil
  end
end
if not epoch then
  -- A new stream, or one whose meta was lost: whatever history is left belongs to an old epoch.
  epoch = ARGV[2]
  redis.call('DEL', hist)
  redis.call('HSET', meta, 'epoch', epoch, 'top', 0)
end
if replid then
  redis.call('HSET', meta, 'replid', replid)
end
local top = redis.call('HINCRBY', meta, 'top', 1)
redis.call('HSET', meta, 'ttl', ARGV[5])
redis.call('PEXPIRE', meta, ARGV[6])

-- entry = offset:epoch:publishedAt:body; the header is text so that this script can read the age.
local entry = string.format('%d', top) .. ':' .. epoch .. ':' .. ARGV[3] .. ':' .. ARGV[7]
if size > 0 then
  redis.call('LPUSH', hist, entry)
  redis.call('LTRIM', hist, 0, size - 1)
  local cutoff = now - ttl
  while true do
    local oldest = redis.call('LINDEX', hist, -1)
    if not oldest then break end
    local at = tonumber(string.match(oldest, '^%d+:[^:]*:(%d+):'))
    if at == nil or at > cutoff then break end
    redis.call('RPOP', hist)
  end
  redis.call('PEXPIRE', hist, ttl)
else
  redis.call('DEL', hist)
end

redis.call(ARGV[11], ARGV[1], entry)
return {top, epoch}
