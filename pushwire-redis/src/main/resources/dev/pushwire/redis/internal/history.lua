-- Reads a Pushwire channel's history: drops what is older than the history ttl, then returns the
-- latest publications, or those after a position in the current epoch.
--
-- KEYS[1]  the channel's meta hash (see publish.lua)
-- KEYS[2]  the channel's history list, newest first
-- ARGV[1]  an epoch to use if the stream has none (random, made by the caller)
-- ARGV[2]  now, in ms since the Unix epoch (the reader's clock)
-- ARGV[3]  ttl of a stream this read creates, ms
-- ARGV[4]  the offset the reader has, or -1 for none
-- ARGV[5]  the epoch of that offset ('' for none)
-- ARGV[6]  the most publications to return
-- ARGV[7]  the history ttl to assume when no publication has set one, ms
-- Returns {top, epoch, recoverable (0 or 1), entries...} with the entries newest first.
local meta, hist = KEYS[1], KEYS[2]
local now = tonumber(ARGV[2])
local since = tonumber(ARGV[4])
local limit = tonumber(ARGV[6])

local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  -- Reading creates the stream, so that the epoch this reader is told stays the one later
  -- publications get.
  epoch = ARGV[1]
  redis.call('DEL', hist)
  -- With the replication id, as publish.lua writes it: publications on this stream that a failover
  -- loses must start a new epoch there too.
  local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
  redis.call('HSET', meta, 'epoch', epoch, 'top', 0, 'replid', replid)
  redis.call('PEXPIRE', meta, ARGV[3])
end
local top = tonumber(redis.call('HGET', meta, 'top'))
local ttl = tonumber(redis.call('HGET', meta, 'ttl') or ARGV[7])

local cutoff = now - ttl
while true do
  local oldest = redis.call('LINDEX', hist, -1)
  if not oldest then break end
  local at = tonumber(string.match(oldest, '^%d+:[^:]*:(%d+):'))
  if at == nil or at > cutoff then break end
  redis.call('RPOP', hist)
end
local len = redis.call('LLEN', hist)

local out = {top, epoch, 0}
local first, last -- list indexes, first <= last
if since < 0 or ARGV[5] ~= epoch or since > top then
  -- No usable position: the latest ones.
  if limit == 0 or len == 0 then return out end
  first, last = 0, math.min(limit, len) - 1
else
  local oldestKept = top - len + 1
  if since + 1 >= oldestKept then out[3] = 1 end
  local from = math.max(since + 1, oldestKept)
  if limit == 0 or from > top then return out end
  local to = math.min(top, from + limit - 1)
  first, last = top - to, top - from
end
local entries = redis.call('LRANGE', hist, first, last)
for i = 1, #entries do
  out[#out + 1] = entries[i]
end
return out
