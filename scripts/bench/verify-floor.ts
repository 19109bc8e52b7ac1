import { Redis } from 'ioredis';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { ledgerEntryHash } from '../../src/domain/ledger-entry.js';
import { ledgerLeafHash, TreeBuilder } from '../../src/domain/log-tree.js';

// The verify benchmark's floor: a process that reads every stored entry out of Redis, a page at a
// time as verify does, and does only the hashing any verifier of this ledger must do per entry: the
// entry hash over the stored body, the tree's leaf hash, and the tree's node hashes. Nothing is
// checked. The fields are cut at their fixed offsets in the stored shape (see stored-entry.ts)
// without the shape checks verify makes.
const PREV = ',"prevHash":"';
const redis = new Redis(process.env.REDIS_URL ?? '');
const ledger = new RedisLedger(redis, process.env.MEC_REDIS_PREFIX ?? '');
const tree = new TreeBuilder();
let last = '';
for await (const page of ledger.pages()) {
  for (const text of page) {
    const seqEnd = text.indexOf(PREV, 7);
    const prevStart = seqEnd + PREV.length;
    const hashStart = prevStart + 64 + 10;
    const prevHash = text.slice(prevStart, prevStart + 64);
    const hash = text.slice(hashStart, hashStart + 64);
    const body = text.slice(hashStart + 64 + 9, -1);
    last = ledgerEntryHash(Number(text.slice(7, seqEnd)), prevHash, body);
    tree.push(ledgerLeafHash(hash));
  }
}
// Printed, so that no hash is work an optimizer could drop.
console.log(`hashed ${tree.size} entries, last ${last}, root ${tree.root().toString('hex')}`);
redis.disconnect();
