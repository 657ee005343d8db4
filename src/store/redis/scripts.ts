/*
 * The Lua scripts, loaded once per connection and called by SHA (ioredis defineCommand
 * sends EVALSHA and falls back to EVAL on NOSCRIPT). The resolutions are written into the
 * source from modes.ts, so Redis and the in-memory store cannot disagree about them.
 * Bucket math uses the `now` passed in, never Redis's TIME: the clock stays injected.
 */
import { LONGEST, RESOLUTIONS } from '../modes';
import { SLOT_BYTES } from '../ring-buffer';
import { LAST_BYTES, RING_OFFSETS, RING_ORDER, SERIES_BYTES } from './codec';

// In the order they sit in the string: a later ring ends further in.
const RINGS_LUA = RING_ORDER.map(
  (mode) => `{${RING_OFFSETS[mode]}, ${RESOLUTIONS[mode].bucketSeconds}, ${RESOLUTIONS[mode].bucketCount}}`,
).join(', ');
const LONGEST_WINDOW_SEC = LONGEST.bucketSeconds * LONGEST.bucketCount;

/** What the record script answers. */
export const RECORD_REPLY = {
  /** Nothing written: the host is unknown (or expired) and only a known host was to be written. */
  notWritten: 0,
  /** Written. */
  written: 1,
  /** Written, and the host's newest sample moved into a later hour: raise its hosts-set score. */
  writtenNewHour: 2,
} as const;

/**
 * record: samples of one host, in order, atomically, each into the bucket of its own time at
 * every resolution whose window still covers it (the in-memory Ring.add rules), then `last`.
 * Each slot is read at most once and written once per call however many samples land in it
 * (a slot of a bucket later than the host's newest sample's is not read at all), and the
 * sums are still added one sample at a time in the order given: doubles do not add
 * associatively, so summing in Node first would drift from the in-memory store's bits.
 *   KEYS[1]  the host's series key
 *   ARGV[1]  nowSec, then timeSec cpuLoad memLoad per sample, little-endian doubles
 *   ARGV[2]  '1': write only if the host is live (its newest sample is inside last_day), else write in any case
 * Expiry: set when the key is created and when its newest sample enters a later hour (not
 * on every sample), to the moment that sample leaves the day window.
 * Returns RECORD_REPLY.
 */
export const RECORD_LUA = `
local RINGS = {${RINGS_LUA}}
local SLOT = ${SLOT_BYTES}
local LAST = ${LAST_BYTES}
local HOUR = ${LONGEST.bucketSeconds}
local key = KEYS[1]
local samples = ARGV[1]
local now = struct.unpack('<d', samples)

local function windowStart(bs, bc)
  return math.floor(now / bs) * bs - (bc - 1) * bs
end

local lastT, lastCpu, lastMem
local length = 0
local lastBytes = redis.call('GETRANGE', key, 0, LAST - 1)
if #lastBytes == LAST then lastT, lastCpu, lastMem, length = struct.unpack('<dddd', lastBytes) end
if ARGV[2] == '1' and (lastT == nil or lastT < windowStart(${LONGEST.bucketSeconds}, ${LONGEST.bucketCount})) then
  return ${RECORD_REPLY.notWritten}
end

-- How long the string must be: to the end of the furthest ring a sample reaches.
local needed = LAST
for at = 9, #samples, 24 do
  local t = struct.unpack('<d', samples, at)
  for r = #RINGS, 1, -1 do
    local base, bs, bc = RINGS[r][1], RINGS[r][2], RINGS[r][3]
    if t >= windowStart(bs, bc) then
      if base + bc * SLOT > needed then needed = base + bc * SLOT end
      break
    end
  end
end
-- Sized in one step, never slot by slot: grown with SETRANGE, Redis doubles the allocation
-- as it goes and keeps up to twice the bytes. A new key is created at the length needed; a
-- key that needs more is rewritten whole at full length (once in its life), since SET
-- allocates exactly what it is given. The length is kept beside last, so no STRLEN.
local grown = false
if length == 0 then
  redis.call('SETRANGE', key, needed - 1, '\\0')
  length, grown = needed, true
elseif length < needed then
  local current = redis.call('GET', key)
  redis.call('SET', key, current .. string.rep('\\0', ${SERIES_BYTES} - #current), 'KEEPTTL')
  length, grown = ${SERIES_BYTES}, true
end

local slots, touched = {}, {}
local newestT, lastChanged = lastT, false
for at = 9, #samples, 24 do
  local t, cpu, mem = struct.unpack('<ddd', samples, at)
  for r = 1, #RINGS do
    local base, bs, bc = RINGS[r][1], RINGS[r][2], RINGS[r][3]
    if t >= windowStart(bs, bc) then
      local index = math.floor(t / bs)
      local start = index * bs
      local offset = base + (index % bc) * SLOT
      local s = slots[offset]
      if s == nil then
        local bytes = ''
        -- Every slot holds a bucket no newer than the host's newest sample's (a write always
        -- raises last too), so the slot of a later bucket holds nothing to keep: no read.
        if lastT ~= nil and start <= math.floor(lastT / bs) * bs then
          bytes = redis.call('GETRANGE', key, offset, offset + SLOT - 1)
        end
        if #bytes == SLOT then s = {struct.unpack('<I4I4dddddd', bytes)} else s = {0, 0} end
        s.dirty = false
        slots[offset] = s
        touched[#touched + 1] = offset
      end
      if s[1] == start and s[2] ~= 0 then
        s[2] = s[2] + 1
        s[3] = s[3] + cpu
        s[4] = s[4] + mem
        if cpu < s[5] then s[5] = cpu end
        if cpu > s[6] then s[6] = cpu end
        if mem < s[7] then s[7] = mem end
        if mem > s[8] then s[8] = mem end
        s.dirty = true
      elseif s[1] <= start then
        -- An earlier lap's bucket (or none): overwrite it whole. A newer one (a clock
        -- that went backwards) is left as it is.
        s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] = start, 1, cpu, mem, cpu, cpu, mem, mem
        s.dirty = true
      end
    end
  end
  if newestT == nil or t >= newestT then
    newestT, lastCpu, lastMem, lastChanged = t, cpu, mem, true
  end
end

for i = 1, #touched do
  local s = slots[touched[i]]
  if s.dirty then redis.call('SETRANGE', key, touched[i], struct.pack('<I4I4dddddd', s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])) end
end
if lastChanged or grown then
  redis.call('SETRANGE', key, 0, struct.pack('<dddd', newestT, lastCpu, lastMem, length))
end
local newestHour = math.floor(newestT / HOUR) * HOUR
if lastT == nil or newestHour > math.floor(lastT / HOUR) * HOUR then
  redis.call('EXPIRE', key, math.max(1, math.ceil(newestHour + ${LONGEST_WINDOW_SEC} - now)))
  return ${RECORD_REPLY.writtenNewHour}
end
return ${RECORD_REPLY.written}
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
 *   ARGV     cutoffSec (oldest live time), cap, then score (the hour of its newest sample, keys.ts) and host for each host
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
