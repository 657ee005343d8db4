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
 * record: for each of several hosts, its samples, in order, each into the bucket of its own
 * time at every resolution whose window still covers it (the in-memory Ring.add rules),
 * then `last`. One call carries many hosts (on a cluster, hosts of one hash slot), so the
 * cost of calling a script is shared, and each host costs Redis two commands whatever its
 * samples: a GET of its string and a SET of the string rebuilt. Slots are decoded only when
 * a sample lands in them, and the sums are still added one sample at a time in the order
 * given: doubles do not add associatively, so summing in Node first would drift from the
 * in-memory store's bits.
 *   KEYS     the series key of each host
 *   ARGV[1]  '1': write a host only if it is live (its newest sample is inside last_day), else write in any case
 *   ARGV[1 + i]  for KEYS[i]: nowSec, then timeSec cpuLoad memLoad per sample, little-endian doubles
 * Expiry: set when the key is created and when its newest sample enters a later hour (not
 * on every sample), to the moment that sample leaves the day window.
 * Returns one RECORD_REPLY per key.
 */
export const RECORD_LUA = `
local RINGS = {${RINGS_LUA}}
local SLOT = ${SLOT_BYTES}
local LAST = ${LAST_BYTES}
local HOUR = ${LONGEST.bucketSeconds}
local ONLY_IF_KNOWN = ARGV[1] == '1'
local ZEROS = string.rep('\\0', ${SERIES_BYTES})
local floor, sub, unpack, pack = math.floor, string.sub, struct.unpack, struct.pack

-- Bytes [from, to) of a string, zero-filled past its end: a short string grows in place.
local function span(series, from, to)
  local have = #series
  if to <= have then return sub(series, from + 1, to) end
  if from >= have then return sub(ZEROS, 1, to - from) end
  return sub(series, from + 1) .. sub(ZEROS, 1, to - have)
end

local function record(key, samples)
  local now = unpack('<d', samples)
  local series = redis.call('GET', key)
  local lastT, lastCpu, lastMem
  if series and #series >= LAST then lastT, lastCpu, lastMem = unpack('<ddd', series) else series = '' end
  if ONLY_IF_KNOWN and (lastT == nil or lastT < floor(now / HOUR) * HOUR - ${LONGEST_WINDOW_SEC - LONGEST.bucketSeconds}) then
    return ${RECORD_REPLY.notWritten}
  end

  local length = #series
  if length < LAST then length = LAST end
  local slots, touched = {}, {}
  local newestT, changed = lastT, false
  for at = 9, #samples, 24 do
    local t, cpu, mem = unpack('<ddd', samples, at)
    for r = 1, #RINGS do
      local ring = RINGS[r]
      local bs, bc = ring[2], ring[3]
      if t >= floor(now / bs) * bs - (bc - 1) * bs then
        local index = floor(t / bs)
        local start = index * bs
        local offset = ring[1] + (index % bc) * SLOT
        -- A string reaches the end of the furthest ring its samples reached, never part of one.
        if ring[1] + bc * SLOT > length then length = ring[1] + bc * SLOT end
        local s = slots[offset]
        if s == nil then
          -- Every slot holds a bucket no newer than the host's newest sample's (a write always
          -- raises last too), so the slot of a later bucket holds nothing to keep: not decoded.
          if lastT ~= nil and start <= floor(lastT / bs) * bs and offset + SLOT <= #series then
            s = {unpack('<I4I4dddddd', series, offset + 1)}
          else
            s = {0, 0}
          end
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
        changed = changed or s.dirty
      end
    end
    if newestT == nil or t >= newestT then
      newestT, lastCpu, lastMem, changed = t, cpu, mem, true
    end
  end

  if changed or length ~= #series then
    -- last (with the string's length beside it, as earlier versions read it), then the
    -- string with every changed slot spliced in, in offset order; one SET, exact size.
    table.sort(touched)
    local parts, from = {pack('<dddd', newestT, lastCpu, lastMem, length)}, LAST
    for i = 1, #touched do
      local offset = touched[i]
      local s = slots[offset]
      if s.dirty then
        parts[#parts + 1] = span(series, from, offset)
        parts[#parts + 1] = pack('<I4I4dddddd', s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])
        from = offset + SLOT
      end
    end
    parts[#parts + 1] = span(series, from, length)
    redis.call('SET', key, table.concat(parts), 'KEEPTTL')
  end

  local newestHour = floor(newestT / HOUR) * HOUR
  if lastT == nil or newestHour > floor(lastT / HOUR) * HOUR then
    redis.call('EXPIRE', key, math.max(1, math.ceil(newestHour + ${LONGEST_WINDOW_SEC} - now)))
    return ${RECORD_REPLY.writtenNewHour}
  end
  return ${RECORD_REPLY.written}
end

local replies = {}
for i = 1, #KEYS do replies[i] = record(KEYS[i], ARGV[1 + i]) end
return replies
`;

/**
 * lasts: the first LAST_BYTES of each key, its newest sample (empty for a missing key), for
 * the reads that need only that of many hosts (which of a bulk request's hosts are new, the
 * host listing): one script call for many keys instead of one command per key.
 *   KEYS  the series key of each host
 */
export const LASTS_LUA = `
local lasts = {}
for i = 1, #KEYS do lasts[i] = redis.call('GETRANGE', KEYS[i], 0, ${LAST_BYTES - 1}) end
return lasts
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
