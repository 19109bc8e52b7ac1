import type { Witness, WitnessAnswer } from '../../app/ports/witness.js';
import { type NoteSignature, parseNote } from '../../domain/checkpoint-note.js';
import { type CosignatureVerifier, isBy, verifyCosignature } from '../../domain/cosignature.js';
import { MecError } from '../../domain/errors.js';

/** C2SP tlog-witness: a client sends at most 63 consistency proof lines. */
const MAX_PROOF_LINES = 63;
/** A witness answers a few signature lines; anything longer is not a witness's answer. */
const MAX_ANSWER_BYTES = 64 * 1024;
const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

const REFUSALS: Record<number, string> = {
  400: 'called the request malformed (400)',
  403: "does not trust the log's key for this origin (403)",
  404: 'does not know this log origin (404)',
  422: 'did not accept the consistency proof (422)',
};

export interface HttpWitnessOptions {
  /** The witness's submission prefix; `add-checkpoint` is posted under it. */
  url: string;
  /** How long the whole exchange may take, answer included, in milliseconds. */
  timeoutMs: number;
  /**
   * The witness's cosignature key. With it, only lines by that key are kept, and each must verify;
   * without it, every signature line of the answer is kept unchecked.
   */
  verifier?: CosignatureVerifier;
}

/**
 * A C2SP tlog-witness over HTTP: POSTs `<url>/add-checkpoint` with the old size, the consistency proof
 * and our signed checkpoint, and reads the cosignature lines (200) or the witness's size (409). Every
 * other answer, and a witness that cannot be reached in time, throws.
 */
export class HttpWitness implements Witness {
  readonly url: string;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #verifier: CosignatureVerifier | undefined;

  constructor({ url, timeoutMs, verifier }: HttpWitnessOptions) {
    const parsed = new URL(url);
    // fetch refuses such URLs with a message that quotes them, password and all.
    if (parsed.username || parsed.password)
      throw new MecError(
        'witness_unreachable',
        `the witness URL for ${parsed.host} carries credentials; the protocol has no place for them, so remove them`,
      );
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/add-checkpoint`;
    this.#endpoint = parsed.toString();
    // For messages: no query, which may carry a token of the witness operator's.
    this.url = `${parsed.origin}${parsed.pathname.replace(/\/add-checkpoint$/, '')}`;
    this.#timeoutMs = timeoutMs;
    this.#verifier = verifier;
  }

  async addCheckpoint(request: {
    oldSize: number;
    proof: readonly Buffer[];
    note: string;
  }): Promise<WitnessAnswer> {
    const { text } = parseNote(request.note);
    const body = requestBody(request);
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      answer = await readCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof MecError) throw error;
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new MecError(
        'witness_unreachable',
        timedOut
          ? `the witness at ${this.url} did not answer within ${this.#timeoutMs} ms; the checkpoint stays uncosigned`
          : `the witness at ${this.url} could not be reached (${describe(error)}); the checkpoint stays uncosigned`,
      );
    }
    if (response.status === 200) return { kind: 'cosigned', signatures: this.#cosignatures(text, answer) };
    if (response.status === 409)
      return { kind: 'conflict', witnessSize: this.#witnessSize(response, answer) };
    const refusal = REFUSALS[response.status] ?? `answered ${response.status}`;
    throw new MecError(
      'witness_refused',
      `the witness at ${this.url} ${refusal} for the checkpoint of size ${sizeOf(text)} from old size ${request.oldSize}: ${quote(answer)}`,
    );
  }

  /** The answer's signature lines: those by the configured key, each verified, or all when none is. */
  #cosignatures(text: string, answer: string): string[] {
    let lines: Array<{ raw: string; parsed: NoteSignature }>;
    try {
      // The spec's way to read an answer: append it to the checkpoint text and read a note.
      const parsed = parseNote(`${text}\n${answer}`).signatures;
      const raw = answer.slice(0, -1).split('\n');
      lines = parsed.map((signature, index) => ({ raw: raw[index] as string, parsed: signature }));
    } catch {
      throw new WitnessAnswerError(
        this.url,
        `answered 200 with ${quote(answer)}, which is not signature lines`,
      );
    }
    const verifier = this.#verifier;
    if (!verifier) return lines.map(({ raw }) => raw);
    const ours = lines.filter(({ parsed }) => isBy(parsed, verifier));
    if (ours.length === 0)
      throw new WitnessAnswerError(this.url, `answered 200 with no cosignature by ${verifier.name}`);
    if (!ours.every(({ parsed }) => verifyCosignature(parsed, text, verifier)))
      throw new WitnessAnswerError(
        this.url,
        `answered a cosignature by ${verifier.name} that does not verify against its key`,
      );
    return ours.map(({ raw }) => raw);
  }

  #witnessSize(response: Response, answer: string): number {
    const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    const match = /^(0|[1-9][0-9]*)\n$/.exec(answer);
    if (type !== SIZE_CONTENT_TYPE || !match || !Number.isSafeInteger(Number(match[1])))
      throw new WitnessAnswerError(
        this.url,
        `answered 409 (${type ?? 'no content type'}) with ${quote(answer)}, not a tree size`,
      );
    return Number(match[1]);
  }
}

/** A witness's answer that is not what the spec says, or whose cosignature does not verify. */
class WitnessAnswerError extends MecError {
  constructor(url: string, what: string) {
    super('witness_answer_invalid', `the witness at ${url} ${what}; nothing is stored`);
  }
}

/** The add-checkpoint body: `old <size>`, one base64 hash a line, a blank line, then the note. */
function requestBody({ oldSize, proof, note }: { oldSize: number; proof: readonly Buffer[]; note: string }) {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0)
    throw new MecError('invariant_violated', `the old size ${oldSize} is not a tree size`);
  if (proof.length > MAX_PROOF_LINES || proof.some((hash) => hash.length !== 32))
    throw new MecError(
      'invariant_violated',
      `a consistency proof is at most ${MAX_PROOF_LINES} SHA-256 hashes`,
    );
  return `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
}

const sizeOf = (text: string) => text.split('\n')[1] ?? '?';

/** The body text, stopping (and failing) once it passes `limitBytes`. */
async function readCapped(response: Response, limitBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limitBytes) {
      await response.body?.cancel();
      throw new MecError(
        'witness_answer_invalid',
        `the witness answered more than ${limitBytes} bytes; nothing is stored`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short, one-line rendering of a witness's answer for a message. */
const quote = (answer: string) => JSON.stringify(answer.length > 200 ? `${answer.slice(0, 200)}…` : answer);

/** What went wrong on the wire, from fetch's error and its cause (ECONNREFUSED and the like). */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
