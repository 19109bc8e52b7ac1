import type { Ledger } from '../../app/ports/ledger.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import {
  GENESIS_HASH,
  type LedgerBody,
  type LedgerEntry,
  ledgerEntryHash,
} from '../../domain/ledger-entry.js';
import { storedEntryText } from '../../domain/stored-entry.js';

const PAGE = 1_000;

/** The ledger in one process's memory: for domain-level tests and the contract suite's reference. */
export class MemoryLedger implements Ledger {
  readonly entries: LedgerEntry[] = [];

  async append(body: LedgerBody): Promise<LedgerEntry> {
    return this.appendNow(body);
  }

  /** Synchronous, so a store built on this ledger can commit state and entry in one step. */
  appendNow(body: LedgerBody): LedgerEntry {
    const last = this.entries.at(-1);
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const entry = {
      seq,
      prevHash,
      hash: ledgerEntryHash(seq, prevHash, canonicalJson(body)),
      body: structuredClone(body),
    };
    this.entries.push(entry);
    return structuredClone(entry);
  }

  async read(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): Promise<LedgerEntry[]> {
    return structuredClone(this.entries.filter((entry) => entry.seq >= fromSeq && entry.seq <= toSeq));
  }

  async *stream(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): AsyncIterable<string> {
    for (const entry of this.entries) {
      if (entry.seq < fromSeq || entry.seq > toSeq) continue;
      yield storedEntryText(entry.seq, entry.prevHash, entry.hash, canonicalJson(entry.body));
    }
  }

  async *pages(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): AsyncIterable<readonly string[]> {
    let page: string[] = [];
    for await (const text of this.stream(fromSeq, toSeq)) {
      page.push(text);
      if (page.length === PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const last = this.entries.at(-1);
    return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
  }
}
