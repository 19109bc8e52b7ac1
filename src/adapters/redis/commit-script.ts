import type { Redis } from 'ioredis';
import { GENESIS_HASH } from '../../domain/ledger-entry.js';
import { SHA256_LUA } from './sha256-lua.js';

/**
 * Lua that appends a ledger entry, assigning seq, prevHash and the SHA-256 hash inside Redis, so
 * concurrent writers cannot fork the chain. Every script that records something includes it.
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
 * One atomic step: check the rollout's version, store its new state, append its ledger entry, and record
 * the work the transition still has to deliver (the outbox), or remove the pending item it carries out.
 *
 * KEYS: rollout hash, ledger entry list, ledger head hash, outbox hash (field: ledger seq).
 * ARGV: expected version ('' = no check), new state JSON ('' = leave it), ledger body (canonical JSON),
 * outbox work JSON ('' = none), id of the outbox item this commit carries out ('' = none).
 * Returns {'conflict', currentVersion}, {'consumed', currentVersion} when that item is gone already, or
 * {'committed', version, seq, prevHash, hash}.
 */
const COMMIT_LUA = `${APPEND_LEDGER_LUA}
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
local seq, prevHash, hash = append_ledger(KEYS[2], KEYS[3], ARGV[3])
if ARGV[5] ~= '' then
  redis.call('HDEL', KEYS[4], ARGV[5])
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[4], tostring(seq), '{"id":"' .. seq .. '","version":' .. version .. ',"entry":{"seq":' .. seq .. ',"prevHash":"' .. prevHash .. '","hash":"' .. hash .. '","body":' .. ARGV[3] .. '},"work":' .. ARGV[4] .. '}')
end
return {'committed', version, seq, prevHash, hash}
`;

export type CommitReply =
  | ['conflict', number]
  | ['consumed', number]
  | ['committed', number, number, string, string];

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
  ): Promise<CommitReply>;
}

/** Registers the script on a connection (ioredis sends EVALSHA and falls back to EVAL once). */
export function withCommitCommand(redis: Redis): Redis & CommitCommand {
  if (!('mecCommit' in redis)) redis.defineCommand('mecCommit', { numberOfKeys: 4, lua: COMMIT_LUA });
  return redis as Redis & CommitCommand;
}
