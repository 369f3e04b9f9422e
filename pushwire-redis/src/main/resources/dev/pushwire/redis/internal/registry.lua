-- The Redis registry's operations, one script so that each is one atomic step.
--
-- Keys, with P the key prefix and N a node id:
--   P..'reg:nodes'                         zset: node id -> last write or heartbeat (server ms)
--   P..'reg:node:{N}:conns'                hash: connection id -> record (JSON)
--   P..'reg:node:{N}:channels'             set: channels with presence entries on node N
--   P..'reg:node:{N}:presence:'..channel   hash: connection id -> presence entry (JSON)
-- Every key of a node expires after the registry ttl unless the node refreshes it, so a dead
-- node's records vanish by themselves. The node set is only an index to find nodes by: a node
-- in it whose keys expired simply has nothing to list.
--
-- ARGV[1] the operation, ARGV[2] the prefix P; the rest depends on the operation (see below).
local op, P = ARGV[1], ARGV[2]
local nodes = P .. 'reg:nodes'

local function base(node) return P .. 'reg:node:{' .. node .. '}:' end

local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function removePresence(node, channel, id)
  local key = base(node) .. 'presence:' .. channel
  redis.call('HDEL', key, id)
  if redis.call('EXISTS', key) == 0 then
    redis.call('SREM', base(node) .. 'channels', channel)
  end
end

local function dropNode(node)
  local b = base(node)
  for _, channel in ipairs(redis.call('SMEMBERS', b .. 'channels')) do
    redis.call('DEL', b .. 'presence:' .. channel)
  end
  redis.call('DEL', b .. 'conns', b .. 'channels')
  redis.call('ZREM', nodes, node)
end

-- register N ttl id record
if op == 'register' then
  local node, ttl = ARGV[3], ARGV[4]
  local conns = base(node) .. 'conns'
  redis.call('ZADD', nodes, now(), node)
  redis.call('HSET', conns, ARGV[5], ARGV[6])
  redis.call('PEXPIRE', conns, ttl)
  return 1
end

-- unregister N id channel... : removes the record and its presence on the given channels and on
-- the channels of the stored record.
if op == 'unregister' then
  local node, id = ARGV[3], ARGV[4]
  local conns = base(node) .. 'conns'
  local channels = {}
  for i = 5, #ARGV do channels[ARGV[i]] = true end
  local stored = redis.call('HGET', conns, id)
  if stored then
    local ok, record = pcall(cjson.decode, stored)
    if ok and type(record) == 'table' and type(record.channels) == 'table' then
      for _, channel in ipairs(record.channels) do channels[channel] = true end
    end
  end
  redis.call('HDEL', conns, id)
  for channel in pairs(channels) do removePresence(node, channel, id) end
  return 1
end

-- add N ttl channel id entry
if op == 'add' then
  local node, ttl, channel = ARGV[3], ARGV[4], ARGV[5]
  local b = base(node)
  redis.call('ZADD', nodes, now(), node)
  redis.call('HSET', b .. 'presence:' .. channel, ARGV[6], ARGV[7])
  redis.call('PEXPIRE', b .. 'presence:' .. channel, ttl)
  redis.call('SADD', b .. 'channels', channel)
  redis.call('PEXPIRE', b .. 'channels', ttl)
  return 1
end

-- remove N channel id
if op == 'remove' then
  removePresence(ARGV[3], ARGV[4], ARGV[5])
  return 1
end

-- refresh N ttl stale: extends node N's keys; forgets nodes silent for longer than stale ms.
-- Returns {records, presence entries} as stored, so the caller can tell whether they were lost.
if op == 'refresh' then
  local node, ttl, stale = ARGV[3], ARGV[4], tonumber(ARGV[5])
  local b = base(node)
  local t = now()
  redis.call('ZADD', nodes, t, node)
  redis.call('ZREMRANGEBYSCORE', nodes, '-inf', t - stale)
  redis.call('PEXPIRE', b .. 'conns', ttl)
  local records = redis.call('HLEN', b .. 'conns')
  local entries = 0
  for _, channel in ipairs(redis.call('SMEMBERS', b .. 'channels')) do
    local key = b .. 'presence:' .. channel
    redis.call('PEXPIRE', key, ttl)
    entries = entries + redis.call('HLEN', key)
  end
  redis.call('PEXPIRE', b .. 'channels', ttl)
  return {records, entries}
end

-- restore N ttl state: replaces node N's keys with state, JSON
-- {"records":{id:record,...},"presence":{channel:{id:entry,...},...}}.
if op == 'restore' then
  local node, ttl = ARGV[3], ARGV[4]
  local state = cjson.decode(ARGV[5])
  local b = base(node)
  dropNode(node)
  redis.call('ZADD', nodes, now(), node)
  for id, record in pairs(state.records) do
    redis.call('HSET', b .. 'conns', id, record)
  end
  redis.call('PEXPIRE', b .. 'conns', ttl)
  for channel, entries in pairs(state.presence) do
    for id, entry in pairs(entries) do
      redis.call('HSET', b .. 'presence:' .. channel, id, entry)
    end
    redis.call('PEXPIRE', b .. 'presence:' .. channel, ttl)
    redis.call('SADD', b .. 'channels', channel)
  end
  redis.call('PEXPIRE', b .. 'channels', ttl)
  return 1
end

-- removeNode N
if op == 'removeNode' then
  dropNode(ARGV[3])
  return 1
end

-- connections: every node's records.
if op == 'connections' then
  local out = {}
  for _, node in ipairs(redis.call('ZRANGE', nodes, 0, -1)) do
    for _, record in ipairs(redis.call('HVALS', base(node) .. 'conns')) do
      out[#out + 1] = record
    end
  end
  return out
end

-- count: the number of records on every node.
if op == 'count' then
  local n = 0
  for _, node in ipairs(redis.call('ZRANGE', nodes, 0, -1)) do
    n = n + redis.call('HLEN', base(node) .. 'conns')
  end
  return n
end

-- presence channel: every node's entries for channel.
if op == 'presence' then
  local out = {}
  for _, node in ipairs(redis.call('ZRANGE', nodes, 0, -1)) do
    for _, entry in ipairs(redis.call('HVALS', base(node) .. 'presence:' .. ARGV[3])) do
      out[#out + 1] = entry
    end
  end
  return out
end

return redis.error_reply('unknown registry operation ' .. tostring(op))
