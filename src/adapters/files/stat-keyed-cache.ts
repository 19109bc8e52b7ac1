import { type BigIntStats, statSync } from 'node:fs';

/**
 * How long after a file's last change its cached value is not trusted, in ms. File times tick with the
 * kernel's coarse clock (a few ms), so a second change in the same tick as the first leaves the same
 * times: a value is kept only for a file whose ctime is older than this, as git does for racy entries.
 */
const RACY_MS = 2_000;

/** Values kept at most; one per configured file in practice, so this only bounds a misuse. */
const KEPT = 256;

export interface StatKeyedCacheOptions {
  /** Default 2,000 ms (see RACY_MS). */
  racyMs?: number;
  nowMs?: () => number;
}

interface Kept<T> {
  key: string;
  value: T;
}

/**
 * A value computed from a file's bytes (its digest, its parsed text), kept until the file changes. A
 * file counts as unchanged while its device, inode, size, mtime and ctime (in ns) are the ones the value
 * was computed under: an atomic write is a new inode, and any write, rename or chmod sets ctime, which
 * no one can set back. A value is kept only when the file did not change while it was computed.
 */
export class StatKeyedCache<T> {
  readonly #kept = new Map<string, Kept<T>>();
  readonly #racyMs: number;
  readonly #nowMs: () => number;

  constructor(options: StatKeyedCacheOptions = {}) {
    this.#racyMs = options.racyMs ?? RACY_MS;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** The value of the file at `path` as it is now: kept, or computed by `compute`. A stat error rejects. */
  async get(path: string, compute: () => Promise<T>): Promise<T> {
    const before = statOf(path);
    const kept = this.#kept.get(path);
    if (kept?.key === before.key) return kept.value;
    const value = await compute();
    let after: ReturnType<typeof statOf> | undefined;
    try {
      after = statOf(path);
    } catch {
      after = undefined;
    }
    if (after?.key === before.key && after.ctimeMs < this.#nowMs() - this.#racyMs) {
      this.#kept.delete(path);
      this.#kept.set(path, { key: before.key, value });
      for (const oldest of this.#kept.keys()) {
        if (this.#kept.size <= KEPT) break;
        this.#kept.delete(oldest);
      }
    } else this.#kept.delete(path);
    return value;
  }
}

/**
 * Synchronous on purpose: a stat of a workspace file is a few µs of CPU, where the promise form costs
 * about five times that through the thread pool, on every status and ramp. (A workspace on a network
 * file system that hangs would hold the loop here; the workspace is a local folder.)
 */
function statOf(path: string): { key: string; ctimeMs: number } {
  const stats: BigIntStats = statSync(path, { bigint: true });
  return {
    key: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`,
    ctimeMs: Number(stats.ctimeNs / 1_000_000n),
  };
}
