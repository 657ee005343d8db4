/*
 * The Lua scripts, loaded once per connection and called by SHA (ioredis defineCommand
 * sends EVALSHA and falls back to EVAL on NOSCRIPT). The resolutions are written into the
 * source from modes.ts, so Redis and the in-memory store cannot disagree about them.
 * Bucket math uses the `now` passed in, never Redis's TIME: the clock stays injected.
 */
import { LONGEST, Mode, RESOLUTIONS, Resolution } from '../modes';
import { SLOT_BYTES } from '../ring-buffer';
import { ENTRY_BYTES, FRONT_BYTES, LAST_BYTES, RING_OFFSETS, RING_ORDER, RINGS_BYTES } from './codec';

/** A slot as Lua's struct reads it (slot-bytes.ts): start, count, then six doubles. */
const SLOT_FORMAT = '<I4I4dddddd';
/** Fields of a slot, and of last (time, cpu, mem, the rings string's length). */
const SLOT_FIELDS = 8;
const LAST_FIELDS = 4;
/** A host's front, the heads then last (codec.ts), as one struct format and as fields. */
const FRONT_FORMAT = `<${SLOT_FORMAT.slice(1).repeat(RING_ORDER.length)}dddd`;
const HEAD_FIELDS = SLOT_FIELDS * RING_ORDER.length;
const FRONT_FIELDS = HEAD_FIELDS + LAST_FIELDS;

/**
 * How many samples a host may have pending before the record script folds them. A fold's
 * fixed cost (a GET, unpacking and packing the front, a SET) is shared by that many: with
 * Redis busy, 3.9 µs per single sample at 8, 3.5 at 16, 3.1 at 32 (busy-redis-driver.ts,
 * scratch runs). Redis doubles a string's room as APPEND grows it, so a front takes 560
 * bytes (MEMORY USAGE) with up to 9 pending, then 1,328 bytes through 33; 32 fills that
 * allocation, and a folded front takes 272.
 */
export const PENDING_MAX = 32;
/**
 * A host's part of a record call is appended when it brings at most this many samples
 * (a single POST's one, a bulk request's few per host). A part of more is added to the
 * front at once: its GET and SETRANGE are then shared by all its samples, and appending
 * would only add the fold's unpacking of each one.
 */
export const APPEND_MAX = 4;

// In the order they sit in the rings string (a later ring ends further in): the ring's offset, the
// index in the front's fields before its head's, bucket seconds, bucket count.
const RINGS_LUA = RING_ORDER.map(
  (mode, r) => `{${RING_OFFSETS[mode]}, ${r * SLOT_FIELDS}, ${RESOLUTIONS[mode].bucketSeconds}, ${RESOLUTIONS[mode].bucketCount}}`,
).join(', ');
const LONGEST_WINDOW_SEC = LONGEST.bucketSeconds * LONGEST.bucketCount;

/** Lua: the oldest bucket start a window of resolution `r` holds at the local `now` (modes.ts windowStart). */
function windowStartLua({ bucketSeconds: bs, bucketCount: bc }: Resolution): string {
  return `floor(now / ${bs}) * ${bs} - ${(bc - 1) * bs}`;
}

/*
 * A slot's fields, in order: start, count, cpu and mem sums, cpu min/max, mem min/max. The
 * Lua that adds a sample (cpu, mem) to a slot is written once here, for slots held in a
 * table (the general path) and in locals (the newest sample's path), so both add alike.
 */
/** Lua: the sample into a slot that already holds its bucket. */
function addToBucketLua(slot: readonly string[]): string {
  const [, n, c, m, cl, ch, ml, mh] = slot;
  return `${n}, ${c}, ${m} = ${n} + 1, ${c} + cpu, ${m} + mem
    if cpu < ${cl} then ${cl} = cpu end
    if cpu > ${ch} then ${ch} = cpu end
    if mem < ${ml} then ${ml} = mem end
    if mem > ${mh} then ${mh} = mem end`;
}

/** Lua: the slot made the bucket starting at `start`, holding the sample alone. */
function newBucketLua(slot: readonly string[], start: string): string {
  return `${slot.join(', ')} = ${start}, 1, cpu, mem, cpu, cpu, mem, mem`;
}

/** A slot held in table s from index o + 1. */
const SLOT_IN_TABLE = Array.from({ length: SLOT_FIELDS }, (_, i) => `s[o + ${i + 1}]`);
/** A head's fields as Lua locals of ring r. */
const headLocals = (r: number): string[] => ['s', 'n', 'c', 'm', 'cl', 'ch', 'ml', 'mh'].map((name) => `${name}${r}`);
const ALL_HEAD_LOCALS = RING_ORDER.map((_, r) => headLocals(r + 1).join(', ')).join(', ');

/**
 * The newest sample into one ring's head, written out for that ring (its constants in the
 * code, its head in locals): the same steps as the general path for a sample that is the
 * host's newest, without a table lookup.
 */
function newestIntoHeadLua(mode: Mode, r: number): string {
  const head = headLocals(r);
  const [s, n] = head;
  const { bucketSeconds: bs, bucketCount: bc } = RESOLUTIONS[mode];
  return `
    local b${r} = floor(t / ${bs}) * ${bs}
    if ${n} ~= 0 and ${s} == b${r} then
      ${addToBucketLua(head)}
    else
      if ${n} ~= 0 then
        redis.call('SETRANGE', ringsKey, ${RING_OFFSETS[mode]} + (floor(${s} / ${bs}) % ${bc}) * SLOT, pack(SLOT_FORMAT, ${head.join(', ')}))
      end
      ${newBucketLua(head, `b${r}`)}
    end`;
}

/** What the record script answers. */
export const RECORD_REPLY = {
  /** Nothing written: the host is unknown (or expired) and only a known host was to be written. */
  notWritten: 0,
  /** Written. */
  written: 1,
  /** Written, and the host's newest sample moved into a later hour: raise its hosts-set score. */
  writtenNewHour: 2,
} as const;

/*
 * What the record and windows scripts share: adding samples to a host's front and rings,
 * by the in-memory Ring.add rules, and folding its pending samples.
 *
 * Samples travel and wait as entries (codec.ts): time, cpu, mem and the `now` they were
 * recorded at, so a sample folded later is added exactly as it would have been at once
 * (which rings still cover it depends on its own now). A front without its pending entries
 * is the host's state; its fields unpack to the heads (8 per ring) then last.
 */
const ADDING_LUA = `
local RINGS = {${RINGS_LUA}}
local SLOT = ${SLOT_BYTES}
local FRONT_BYTES = ${FRONT_BYTES}
local RINGS_BYTES = ${RINGS_BYTES}
local ENTRY = ${ENTRY_BYTES}
-- Where the first entry's now sits (the entries of one call share it).
local FIRST_NOW = ${ENTRY_BYTES - 8 + 1}
local HOUR = ${LONGEST.bucketSeconds}
local SLOT_FORMAT = '${SLOT_FORMAT}'
local FRONT_FORMAT = '${FRONT_FORMAT}'
local FRONT_FIELDS = ${FRONT_FIELDS}
local LAST = ${HEAD_FIELDS}
local floor, unpack, pack, fields = math.floor, struct.unpack, struct.pack, unpack
-- Offsets that are always the same go to redis.call as strings: a number argument is
-- printed with snprintf on every call (4 % of Redis's CPU under single POSTs, perf).

-- A sample into the slot held at s[o + 1 .. o + 8], for the bucket starting at start, by
-- Ring.add's rules; true when the slot changed.
local function add(s, o, start, cpu, mem)
  if s[o + 1] == start and s[o + 2] ~= 0 then
    ${addToBucketLua(SLOT_IN_TABLE)}
    return true
  elseif s[o + 1] <= start then
    -- An earlier lap's bucket (or none): overwrite it whole. A newer one (a clock that
    -- went backwards) is left as it is.
    ${newBucketLua(SLOT_IN_TABLE, 'start')}
    return true
  end
  return false
end

-- The oldest bucket start each ring's window holds at now, for the general path, which
-- indexes them by ring; entries of one call share their now, so it is kept.
local windowsNow, windows = nil, {}
local function windowsAt(now)
  if now ~= windowsNow then
${RING_ORDER.map((mode, r) => `    windows[${r + 1}] = ${windowStartLua(RESOLUTIONS[mode])}`).join('\n')}
    windowsNow = now
  end
  return windows
end

-- Whether a host whose newest sample is at previous is live at now, and a sample at t inside
-- every window at now: what each sample must pass to be added the written-out way, or to
-- wait in the front. Written out ring by ring: nearly every single sample asks, each at its
-- own now.
local function liveAndInside(previous, t, now)
  local live = ${windowStartLua(LONGEST)}
  return previous >= live and ${RING_ORDER.map((mode) =>
    RESOLUTIONS[mode] === LONGEST ? 't >= live' : `t >= ${windowStartLua(RESOLUTIONS[mode])}`,
  ).join(' and ')}
end

-- Nearly every write and fold: entries each no older than the one before, the first no
-- older than the host's newest, each inside every window at its now with the host live,
-- for a host whose rings are all there. The same steps as general() takes for them, entry
-- after entry, written out ring by ring with the state in locals (no tables, no loops over
-- rings). The state is unpacked from the first FRONT_BYTES of state, the entries read
-- from the entries string at byte position from on (a fold passes the front as both);
-- checked, unless the caller knows they hold (pending entries were checked when they were
-- appended). Answers the new state, the newest before and after; nil, having written
-- nothing, for any other case.
local function addNewest(ringsKey, state, entries, from, checked)
  if not state or #state < FRONT_BYTES or #entries < from + ENTRY - 1 then return nil end
  local ${ALL_HEAD_LOCALS}, lastT, _, _, length = unpack(FRONT_FORMAT, state)
  if length ~= RINGS_BYTES then return nil end
  if not checked then
    -- Checked before anything is written: then each entry is the newest in turn.
    local previous = lastT
    for at = from, #entries, ENTRY do
      local t, _, _, now = unpack('<dddd', entries, at)
      if t < previous or not liveAndInside(previous, t, now) then return nil end
      previous = t
    end
  end
  local t, cpu, mem
  for at = from, #entries, ENTRY do
    t, cpu, mem = unpack('<ddd', entries, at)
${RING_ORDER.map((mode, r) => newestIntoHeadLua(mode, r + 1)).join('')}
  end
  return pack(FRONT_FORMAT, ${ALL_HEAD_LOCALS}, t, cpu, mem, length), lastT, t
end

-- Any entries: late ones, a new host, rings still short, a host that was stale. Answers
-- the new state (the one given when nothing changed), the newest before and after; nil
-- when onlyIfKnown and the host is not live at the first entry's now.
local function general(ringsKey, state, entries, onlyIfKnown)
  local f, lastT, length
  if state and #state == FRONT_BYTES then
    f = {unpack(FRONT_FORMAT, state)}
    lastT, length = f[LAST + 1], f[LAST + 4]
  else
    f, length = {}, 0
    for i = 1, FRONT_FIELDS do f[i] = 0 end
  end
  if onlyIfKnown and (lastT == nil or lastT < windowsAt(unpack('<d', entries, FIRST_NOW))[1]) then return nil end

  -- How long the rings string must be: to the end of the furthest ring an entry reaches.
  local needed = 0
  if length < RINGS_BYTES then
    for at = 1, #entries, ENTRY do
      local t, w = unpack('<d', entries, at), windowsAt(unpack('<d', entries, at + 24))
      for r = #RINGS, 1, -1 do
        if t >= w[r] then
          local ends = RINGS[r][1] + RINGS[r][4] * SLOT
          if ends > needed then needed = ends end
          break
        end
      end
    end
  end
  -- Sized in one step, never slot by slot: grown with SETRANGE, Redis doubles the allocation
  -- as it goes and keeps up to twice the bytes. A new rings string is created at the length
  -- needed; one that needs more is rewritten whole at full length (once in its life), since
  -- SET allocates exactly what it is given.
  local changed = false
  if needed > length then
    if length == 0 then
      redis.call('SETRANGE', ringsKey, needed - 1, '\\0')
      length = needed
    else
      local current = redis.call('GET', ringsKey) or ''
      redis.call('SET', ringsKey, current .. string.rep('\\0', RINGS_BYTES - #current), 'KEEPTTL')
      length = RINGS_BYTES
    end
    changed = true
  end

  local slots, touched = {}, {}
  local newestT = lastT
  for at = 1, #entries, ENTRY do
    local t, cpu, mem, now = unpack('<dddd', entries, at)
    local w = windowsAt(now)
    if newestT == nil or t >= newestT then
      -- The newest sample moves on: a head whose bucket it leaves goes to its ring slot.
      for r = 1, #RINGS do
        local ring = RINGS[r]
        local bs, o = ring[3], ring[2]
        if f[o + 2] ~= 0 and floor(t / bs) * bs > f[o + 1] then
          local offset = ring[1] + (floor(f[o + 1] / bs) % ring[4]) * SLOT
          if slots[offset] == nil then touched[#touched + 1] = offset end
          slots[offset] = {f[o + 1], f[o + 2], f[o + 3], f[o + 4], f[o + 5], f[o + 6], f[o + 7], f[o + 8], dirty = true}
          for i = o + 1, o + 8 do f[i] = 0 end
        end
      end
      newestT, f[LAST + 1], f[LAST + 2], f[LAST + 3], changed = t, t, cpu, mem, true
    end
    for r = 1, #RINGS do
      local ring = RINGS[r]
      local bs, bc, o = ring[3], ring[4], ring[2]
      if t >= w[r] then
        local index = floor(t / bs)
        local start = index * bs
        if start == floor(newestT / bs) * bs then
          -- The newest sample's bucket: its head.
          if add(f, o, start, cpu, mem) then changed = true end
        elseif not (f[o + 2] ~= 0 and index % bc == floor(f[o + 1] / bs) % bc) then
          -- An older bucket: its ring slot, unless that is the slot a head covers, which
          -- holds a newer bucket (the head's) and keeps it.
          local offset = ring[1] + (index % bc) * SLOT
          local s = slots[offset]
          if s == nil then
            -- Every stored bucket is no newer than the stored newest sample's, so the slot
            -- of a later bucket holds nothing to keep: not read.
            local bytes = ''
            if lastT ~= nil and start <= floor(lastT / bs) * bs then bytes = redis.call('GETRANGE', ringsKey, offset, offset + SLOT - 1) end
            if #bytes == SLOT then s = {unpack(SLOT_FORMAT, bytes)} else s = {0, 0, 0, 0, 0, 0, 0, 0} end
            slots[offset] = s
            touched[#touched + 1] = offset
          end
          if add(s, 0, start, cpu, mem) then s.dirty = true end
        end
      end
    end
  end

  for i = 1, #touched do
    local s = slots[touched[i]]
    if s.dirty then redis.call('SETRANGE', ringsKey, touched[i], pack(SLOT_FORMAT, fields(s, 1, 8))) end
  end
  if not changed then return state, lastT, newestT end
  f[LAST + 4] = length
  return pack(FRONT_FORMAT, fields(f, 1, FRONT_FIELDS)), lastT, newestT
end

-- A front with pending entries folded: each added as at its own now, in the order they
-- came (none older than the state's last, all in its hour, so expiry and the hosts-set
-- score stay as they are). Writes the state back without them (SET: a string's room
-- never shrinks in place) and answers it.
local function fold(frontKey, ringsKey, front)
  local state = addNewest(ringsKey, front, front, FRONT_BYTES + 1, true)
  if not state then
    state = string.sub(front, 1, FRONT_BYTES)
    for at = FRONT_BYTES + 1, #front, ENTRY do state = general(ringsKey, state, string.sub(front, at, at + ENTRY - 1), false) end
  end
  redis.call('SET', frontKey, state, 'KEEPTTL')
  return state
end
`;

/**
 * record: for each of several hosts, its samples, in order, each into the bucket of its own
 * time at every resolution whose window still covers it (the in-memory Ring.add rules),
 * then `last`. One call carries many hosts (on a cluster, hosts of one hash slot), so the
 * cost of calling a script is shared.
 *
 * Each redis.call costs Redis about as much as the Lua around it, and unpacking and packing
 * the front as much as both its commands; so a host's write reads and writes only the
 * bytes it needs, and most writes do not unpack the front at all:
 *   - a host's few samples (a single POST's one), each no older than the one before and
 *     the host's newest, in the newest's hour, for a live host: appended to the front as
 *     pending entries, after reading its last 32 bytes (the newest sample). Two commands,
 *     no unpacking. When PENDING_MAX are pending, they are folded (a GET, the front
 *     unpacked once, each entry added, a SET).
 *   - anything else folds first, then adds the samples the same way: the buckets of the
 *     newest sample are kept with it in the front, as heads (codec.ts), so samples in them,
 *     nearly all, cost one GET of the front and one SETRANGE back, whatever their number. When
 *     the newest sample moves to a later bucket, the head is copied to its ring slot (one
 *     SETRANGE); a sample for an older bucket reads and writes its ring slot.
 * The sums are added one sample at a time in the order given, folded or not: doubles do not
 * add associatively, so summing in Node first would drift from the in-memory store's bits.
 *   KEYS     the front key and the rings key of each host, in pairs
 *   ARGV[1]  '1': write a host only if it is live (its newest sample is inside last_day), else write in any case
 *   ARGV[1 + i]  for the i-th pair: its samples as entries (codec.ts encodeSamples)
 * Expiry: set when the keys are created and when the newest sample enters a later hour
 * (not on every sample), to the moment that sample leaves the day window.
 * Returns one RECORD_REPLY per host.
 */
export const RECORD_LUA = `${ADDING_LUA}
local ONLY_IF_KNOWN = ARGV[1] == '1'
local APPEND_MAX_BYTES = ${APPEND_MAX} * ENTRY
local FOLD_AT = FRONT_BYTES + ${PENDING_MAX} * ENTRY

-- Expiry, set when the newest sample enters a later hour; the reply for a written host.
local function written(frontKey, ringsKey, now, lastT, newestT)
  local newestHour = floor(newestT / HOUR) * HOUR
  if lastT == nil or newestHour > floor(lastT / HOUR) * HOUR then
    local ttl = math.max(1, math.ceil(newestHour + ${LONGEST_WINDOW_SEC} - now))
    redis.call('EXPIRE', frontKey, ttl)
    redis.call('EXPIRE', ringsKey, ttl)
    return ${RECORD_REPLY.writtenNewHour}
  end
  return ${RECORD_REPLY.written}
end

-- Whether entries may wait in the front, to be added by the fold without checks: each no
-- older than the one before, the first no older than the newest (whose last bytes are
-- tail), all in its hour, each passing liveAndInside.
local function mayPend(tail, entries)
  if #tail ~= ENTRY then return false end
  local previous = unpack('<d', tail)
  local hour = floor(previous / HOUR)
  for at = 1, #entries, ENTRY do
    local t, _, _, now = unpack('<dddd', entries, at)
    if t < previous or floor(t / HOUR) ~= hour or not liveAndInside(previous, t, now) then return false end
    previous = t
  end
  return true
end

local function record(frontKey, ringsKey, entries)
  if #entries <= APPEND_MAX_BYTES and mayPend(redis.call('GETRANGE', frontKey, '-${LAST_BYTES}', '-1'), entries) then
    if redis.call('APPEND', frontKey, entries) >= FOLD_AT then fold(frontKey, ringsKey, redis.call('GET', frontKey)) end
    return ${RECORD_REPLY.written}
  end
  local state = redis.call('GET', frontKey)
  if state and #state > FRONT_BYTES then state = fold(frontKey, ringsKey, state) end
  local updated, lastT, newestT = addNewest(ringsKey, state, entries, 1, false)
  if not updated then
    updated, lastT, newestT = general(ringsKey, state, entries, ONLY_IF_KNOWN)
    if not updated then return ${RECORD_REPLY.notWritten} end
  end
  -- In place: a front with nothing pending is FRONT_BYTES already (fold() cut it back).
  if updated ~= state then redis.call('SETRANGE', frontKey, '0', updated) end
  return written(frontKey, ringsKey, unpack('<d', entries, FIRST_NOW), lastT, newestT)
end

local replies = {}
for i = 1, #KEYS / 2 do replies[i] = record(KEYS[2 * i - 1], KEYS[2 * i], ARGV[1 + i]) end
return replies
`;

/**
 * lasts: the last LAST_BYTES of each front, its host's newest sample (empty for a missing
 * key), for the reads that need only that of many hosts (which of a bulk request's hosts
 * are new, the host listing): one script call for many keys instead of one command per key.
 *   KEYS  the front key of each host
 */
export const LASTS_LUA = `
local lasts = {}
for i = 1, #KEYS do lasts[i] = redis.call('GETRANGE', KEYS[i], '-${LAST_BYTES}', '-1') end
return lasts
`;

/**
 * windows: each host's front, its pending samples folded first (so this script writes),
 * and its rings through the end of one ring, read together so no write lands between the
 * two (a head copied to its ring slot in between would be read in neither). Empty strings
 * for missing keys.
 *   KEYS     the front key and the rings key of each host, in pairs
 *   ARGV[1]  the last byte of the rings to read (codec.ts ringsEnd)
 * Returns front, rings, front, rings, ...
 */
export const WINDOWS_LUA = `${ADDING_LUA}
local bytes = {}
for i = 1, #KEYS, 2 do
  local front = redis.call('GET', KEYS[i])
  if front and #front > FRONT_BYTES then front = fold(KEYS[i], KEYS[i + 1], front) end
  bytes[i] = front or ''
  bytes[i + 1] = redis.call('GETRANGE', KEYS[i + 1], 0, ARGV[1])
end
return bytes
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
