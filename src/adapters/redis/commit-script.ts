import type { Redis } from 'ioredis';
import { GENESIS_HASH } from '../../domain/ledger-entry.js';
import { SHA256_LUA } from './sha256-lua.js';

/**
 * One atomic step: check the rollout's version, store its new state, and append a ledger entry whose
 * seq, prevHash and hash are assigned here, inside Redis, so concurrent writers cannot fork the chain.
 *
 * KEYS: rollout hash, ledger entry list, ledger head hash.
 * ARGV: expected version ('' = no check), new state JSON ('' = leave it), ledger body (canonical JSON).
 * Returns {'conflict', currentVersion} or {'committed', version, seq, prevHash, hash}.
 */
const COMMIT_LUA = `${SHA256_LUA}
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[1] ~= '' and version ~= tonumber(ARGV[1]) then
  return {'conflict', version}
end
if ARGV[2] ~= '' then
  version = redis.call('HINCRBY', KEYS[1], 'v', 1)
  redis.call('HSET', KEYS[1], 'state', ARGV[2])
end
local head = redis.call('HMGET', KEYS[3], 'seq', 'hash')
local seq = tonumber(head[1] or '0') + 1
local prevHash = head[2] or '${GENESIS_HASH}'
local hash = sha256hex('mec-ledger/v1\\n' .. seq .. '\\n' .. prevHash .. '\\n' .. ARGV[3])
redis.call('RPUSH', KEYS[2], '{"seq":' .. seq .. ',"prevHash":"' .. prevHash .. '","hash":"' .. hash .. '","body":' .. ARGV[3] .. '}')
redis.call('HSET', KEYS[3], 'seq', seq, 'hash', hash)
return {'committed', version, seq, prevHash, hash}
`;

export type CommitReply = ['conflict', number] | ['committed', number, number, string, string];

export interface CommitCommand {
  mecCommit(
    rolloutKey: string,
    entriesKey: string,
    headKey: string,
    expectedVersion: string,
    stateJson: string,
    bodyJson: string,
  ): Promise<CommitReply>;
}

/** Registers the script on a connection (ioredis sends EVALSHA and falls back to EVAL once). */
export function withCommitCommand(redis: Redis): Redis & CommitCommand {
  if (!('mecCommit' in redis)) redis.defineCommand('mecCommit', { numberOfKeys: 3, lua: COMMIT_LUA });
  return redis as Redis & CommitCommand;
}
