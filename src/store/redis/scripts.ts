/*
 * The Lua scripts, loaded once per connection and called by SHA (ioredis defineCommand
 * sends EVALSHA and falls back to EVAL on NOSCRIPT). The resolutions are written into the
 * source from modes.ts, so Redis and the in-memory store cannot disagree about them.
 * Bucket math uses the `now` passed in, never Redis's TIME: the clock stays injected.
 */
import { LONGEST, MODES, RESOLUTIONS } from '../modes';
import { SLOT_BYTES } from '../ring-buffer';

const RINGS_LUA = MODES.map((mode) => `{${RESOLUTIONS[mode].bucketSeconds}, ${RESOLUTIONS[mode].bucketCount}}`).join(', ');
const LONGEST_WINDOW_SEC = LONGEST.bucketSeconds * LONGEST.bucketCount;

/**
 * record: one sample of one host, atomically, into the bucket of its own time at every
 * resolution whose window still covers it (the in-memory Ring.add rules), then `last`.
 *   KEYS  ring keys in MODES order, then the `last` key (all in the host's slot)
 *   ARGV[1]  nowSec timeSec cpuLoad memLoad as four little-endian doubles
 *   ARGV[2]  '1': write only if the host is live (its newest sample is inside last_day), else return 0
 * Returns 1 when written.
 */
export const RECORD_LUA = `
local RINGS = {${RINGS_LUA}}
local SLOT = ${SLOT_BYTES}
local now, t, cpu, mem = struct.unpack('<dddd', ARGV[1])
local lastKey = KEYS[#RINGS + 1]

local function windowStart(bs, bc)
  return math.floor(now / bs) * bs - (bc - 1) * bs
end

local last = redis.call('GET', lastKey)
local lastSeen = nil
if last then lastSeen = struct.unpack('<d', last) end
if ARGV[2] == '1' and (lastSeen == nil or lastSeen < windowStart(${LONGEST.bucketSeconds}, ${LONGEST.bucketCount})) then
  return 0
end

for r = 1, #RINGS do
  local bs, bc = RINGS[r][1], RINGS[r][2]
  if t >= windowStart(bs, bc) then
    local index = math.floor(t / bs)
    local start = index * bs
    local offset = (index % bc) * SLOT
    local slot = redis.call('GETRANGE', KEYS[r], offset, offset + SLOT - 1)
    local s, n, cs, ms, cmin, cmax, mmin, mmax = 0, 0
    if #slot == SLOT then
      s, n, cs, ms, cmin, cmax, mmin, mmax = struct.unpack('<I4I4dddddd', slot)
    elseif redis.call('STRLEN', KEYS[r]) == 0 then
      -- A new ring: size it whole at once. Grown slot by slot, Redis would double its
      -- allocation as it went and keep up to twice the bytes.
      redis.call('SETRANGE', KEYS[r], bc * SLOT - 1, '\0')
    end
    if s == start and n ~= 0 then
      if cpu < cmin then cmin = cpu end
      if cpu > cmax then cmax = cpu end
      if mem < mmin then mmin = mem end
      if mem > mmax then mmax = mem end
      slot = struct.pack('<I4I4dddddd', s, n + 1, cs + cpu, ms + mem, cmin, cmax, mmin, mmax)
    elseif s > start then
      slot = nil -- the slot holds a newer bucket (a clock went backwards): leave it
    else
      slot = struct.pack('<I4I4dddddd', start, 1, cpu, mem, cpu, cpu, mem, mem)
    end
    if slot then
      redis.call('SETRANGE', KEYS[r], offset, slot)
      redis.call('EXPIRE', KEYS[r], bs * bc)
    end
  end
end

if lastSeen == nil or t >= lastSeen then
  redis.call('SET', lastKey, struct.pack('<ddd', t, cpu, mem), 'EX', ${LONGEST_WINDOW_SEC})
end
return 1
`;

/**
 * Most hosts one admit call takes: Lua's unpack() stops at a few thousand values, and a call
 * this size stays far inside the command timeout however many hosts a bulk request brings.
 */
export const ADMIT_CHUNK = 1_000;

/**
 * admit: puts up to ADMIT_CHUNK hosts into the hosts sorted set, all or none. First it trims
 * hosts whose newest sample left the day window, then counts the hosts not in the set:
 * trimming first makes an expired host of this very call count as new (it needs its place
 * again, as in store.ts). If they would take the set past `cap`, it answers {0} and changes
 * nothing else. One script, so two processes cannot both take the last free place. Hosts
 * already in the set are left as they are: the write that follows raises their score.
 *   KEYS[1]  the hosts sorted set
 *   ARGV     cutoffSec (oldest live time), cap, then newest timeSec and host for each host
 * Returns {1, hosts it added...} when every host is in the set, {0} when the cap refused them.
 */
export const ADMIT_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local names = {}
for i = 4, #ARGV, 2 do names[#names + 1] = ARGV[i] end
if #names == 0 then return {1} end
local scores = redis.call('ZMSCORE', KEYS[1], unpack(names))
local fresh, added = {}, {1}
for i = 1, #names do
  if not scores[i] then
    fresh[#fresh + 1] = ARGV[1 + 2 * i]
    fresh[#fresh + 1] = names[i]
    added[#added + 1] = names[i]
  end
end
if #fresh == 0 then return added end
if redis.call('ZCARD', KEYS[1]) + #fresh / 2 > tonumber(ARGV[2]) then return {0} end
redis.call('ZADD', KEYS[1], unpack(fresh))
return added
`;
