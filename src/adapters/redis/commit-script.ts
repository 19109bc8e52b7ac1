import type { Redis } from 'ioredis';
import type { CommitResult } from '../../app/ports/rollout-store.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import { GENESIS_HASH } from '../../domain/ledger-entry.js';
import type { ChainStepResult, StaleReply } from './ledger-chain.js';
import { SHA256_LUA } from './sha256-lua.js';

/**
 * Lua that appends a ledger entry, assigning seq, prevHash and the SHA-256 hash inside Redis, so
 * concurrent writers cannot fork the chain. The registry-root scripts include it; the commit and
 * append scripts below and the incident commit hash in Node instead, which is far faster than Lua's
 * SHA-256.
 * Defines `append_ledger(entriesKey, headKey, bodyJson) -> seq, prevHash, hash`.
 */
export const APPEND_LEDGER_LUA = `${SHA256_LUA}
local function append_ledger(entriesKey, headKey, body)
  local head = redis.call('HMGET', headKey, 'seq', 'hash')
  local seq = tonumber(head[1] or '0') + 1
  local prevHash = head[2] or '${GENESIS_HASH}'
  local hash = sha256hex('mec-ledger/v1\\n' .. seq .. '\\n' .. prevHash .. '\\n' .. body)
  redis.call('RPUSH', entriesKey, '{"seq":' .. seq .. ',"prevHash":"' .. prevHash .. '","hash":"' .. hash .. '","body":' .. body .. '}')
  redis.call('HSET', headKey, 'seq', seq, 'hash', hash)
  return seq, prevHash, hash
end
`;

/**
 * Lua for appends hashed in Node (see `ledger-chain.ts`). `ledger_check(headKey, seq, prevHash, writer,
 * attempt)` answers nil when the head is still entry `seq` with hash `prevHash`; 'applied' when this very
 * attempt of the writer's ran already; and else {'stale', seq, hash}. ioredis sends a script again after
 * a reconnect that lost its reply: without the check the retry would append the entries twice, or take
 * its own commit for a conflict. A writer's attempts run one at a time and are numbered, so the number
 * it left on the head (field `writer:<id>`, written with the head by `ledger_move`) names the one that
 * ran, even after other writers appended. `entry_text` gives an entry's stored text
 * (`domain/stored-entry.ts`). A script checks first and writes after, so a stale one changes nothing.
 * The commit and append scripts below and the incident commit include it.
 */
export const APPEND_HASHED_LUA = `
local function ledger_check(headKey, expectedSeq, expectedHash, writer, attempt)
  local head = redis.call('HMGET', headKey, 'seq', 'hash', 'writer:' .. writer)
  if head[3] == attempt then return 'applied' end
  local seq = tonumber(head[1] or '0')
  local hash = head[2] or '${GENESIS_HASH}'
  if seq ~= tonumber(expectedSeq) or hash ~= expectedHash then return {'stale', seq, hash} end
  return nil
end
local function ledger_move(headKey, seq, hash, writer, attempt)
  redis.call('HSET', headKey, 'seq', seq, 'hash', hash, 'writer:' .. writer, attempt)
end
local function entry_text(seq, prevHash, hash, body)
  return '{"seq":' .. seq .. ',"prevHash":"' .. prevHash .. '","hash":"' .. hash .. '","body":' .. body .. '}'
end
`;

/**
 * One atomic step: check the ledger head and the rollout's version, store its new state, append its
 * ledger entry (hashed by the caller against that head), and record the work the transition still has
 * to deliver (the outbox), or remove the pending item it carries out.
 *
 * KEYS: rollout hash, ledger entry list, ledger head hash, outbox hash (field: ledger seq).
 * ARGV: expected version ('' = no check), new state JSON ('' = leave it), ledger body (canonical JSON),
 * outbox work JSON ('' = none), id of the outbox item this commit carries out ('' = none), the head's
 * seq and hash the entry was hashed against, the entry's hash, and the writer's id and attempt number.
 * Returns {'stale', headSeq, headHash}, {'conflict', currentVersion}, {'consumed', currentVersion}
 * when that item is gone already, or {'committed', version, seq, prevHash, hash}; sent again after it
 * applied, it answers that same 'committed' and changes nothing.
 */
const COMMIT_LUA = `${APPEND_HASHED_LUA}
local seq, prevHash, hash = tonumber(ARGV[6]) + 1, ARGV[7], ARGV[8]
local check = ledger_check(KEYS[3], ARGV[6], ARGV[7], ARGV[9], ARGV[10])
if check == 'applied' then
  -- The version it left: the one it was checked against, one more if it stored a state.
  local left = tonumber(ARGV[1] ~= '' and ARGV[1] or redis.call('HGET', KEYS[1], 'v') or '0')
  if ARGV[1] ~= '' and ARGV[2] ~= '' then left = left + 1 end
  return {'committed', left, seq, prevHash, hash}
end
if check then return check end
local version = 0
if ARGV[1] ~= '' or ARGV[2] ~= '' then
  version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
end
if ARGV[5] ~= '' and redis.call('HEXISTS', KEYS[4], ARGV[5]) == 0 then
  return {'consumed', version}
end
if ARGV[1] ~= '' and version ~= tonumber(ARGV[1]) then
  return {'conflict', version}
end
if ARGV[2] ~= '' then
  version = redis.call('HINCRBY', KEYS[1], 'v', 1)
  redis.call('HSET', KEYS[1], 'state', ARGV[2])
end
local text = entry_text(seq, prevHash, hash, ARGV[3])
redis.call('RPUSH', KEYS[2], text)
ledger_move(KEYS[3], seq, hash, ARGV[9], ARGV[10])
if ARGV[5] ~= '' then
  redis.call('HDEL', KEYS[4], ARGV[5])
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[4], tostring(seq), '{"id":"' .. seq .. '","version":' .. version .. ',"entry":' .. text .. ',"work":' .. ARGV[4] .. '}')
end
return {'committed', version, seq, prevHash, hash}
`;

/**
 * Appends entries hashed by the caller, all or none, if the head is still the one they were hashed
 * against. KEYS: ledger entry list, ledger head hash. ARGV: the head's seq and hash, the writer's id and
 * attempt number, then each entry's hash and body (canonical JSON), in order. Returns {'stale', headSeq, headHash} or {'committed', seq},
 * also when sent again after it applied.
 */
const APPEND_LUA = `${APPEND_HASHED_LUA}
local seq = tonumber(ARGV[1]) + (#ARGV - 4) / 2
local check = ledger_check(KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if check == 'applied' then return {'committed', seq} end
if check then return check end
local texts = {}
seq = tonumber(ARGV[1])
local prevHash = ARGV[2]
for i = 5, #ARGV, 2 do
  seq = seq + 1
  texts[#texts + 1] = entry_text(seq, prevHash, ARGV[i], ARGV[i + 1])
  prevHash = ARGV[i]
end
redis.call('RPUSH', KEYS[1], unpack(texts))
ledger_move(KEYS[2], seq, prevHash, ARGV[3], ARGV[4])
return {'committed', seq}
`;

export type CommitReply =
  | StaleReply
  | ['conflict', number]
  | ['consumed', number]
  | ['committed', number, number, string, string];

/**
 * A commit script's reply as a step of the ledger chain: a stale head is tried again by the chain, a
 * conflict or a consumed item leaves the head as it was, and a commit moves it to the entry written.
 */
export function commitStep(
  reply: CommitReply,
  body: LedgerBody,
  hash: string,
): StaleReply | ChainStepResult<CommitResult> {
  if (reply[0] === 'stale') return reply;
  if (reply[0] === 'conflict' || reply[0] === 'consumed')
    return { value: { status: reply[0], version: reply[1] }, head: undefined };
  const [, version, seq, prevHash] = reply;
  return {
    value: { status: 'committed', version, entry: { seq, prevHash, hash, body } },
    head: { seq, hash },
  };
}

export interface CommitCommand {
  mecCommit(
    rolloutKey: string,
    entriesKey: string,
    headKey: string,
    outboxKey: string,
    expectedVersion: string,
    stateJson: string,
    bodyJson: string,
    outboxJson: string,
    consumesId: string,
    headSeq: string,
    headHash: string,
    entryHash: string,
    writer: string,
    attempt: string,
  ): Promise<CommitReply>;
  mecAppend(
    entriesKey: string,
    headKey: string,
    ...args: string[]
  ): Promise<StaleReply | ['committed', number]>;
}

/** Registers the scripts on a connection (ioredis sends EVALSHA and falls back to EVAL once). */
export function withCommitCommand(redis: Redis): Redis & CommitCommand {
  if (!('mecCommit' in redis)) redis.defineCommand('mecCommit', { numberOfKeys: 4, lua: COMMIT_LUA });
  if (!('mecAppend' in redis)) redis.defineCommand('mecAppend', { numberOfKeys: 2, lua: APPEND_LUA });
  return redis as Redis & CommitCommand;
}
