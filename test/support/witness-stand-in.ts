import { generateKeyPairSync } from 'node:crypto';
import {
  type Checkpoint,
  formatNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyNote,
} from '../../src/domain/checkpoint-note.js';
import { cosign, cosignatureVerifierKeyOf } from '../../src/domain/cosignature.js';
import { verifyConsistency } from '../../src/domain/log-tree.js';
import { listenForTest } from './local-server.js';

/** How the stand-in misbehaves: not at all, by dropping the connection, a 500, hanging, or a bad cosignature. */
type WitnessFault = 'none' | 'drop' | 'error' | 'hang' | 'forge';

interface WitnessRequest {
  method: string;
  path: string;
  body: string;
  /** What it answered; undefined for a request it dropped or left hanging. */
  status: number | undefined;
}

export interface WitnessStandIn {
  url: string;
  /** The stand-in's cosigner name. */
  name: string;
  /** Its cosignature verifier key, `<name>+<key ID>+<base64(0x04 || key)>`. */
  verifierKey: string;
  /** Every request it got, in order. */
  requests: WitnessRequest[];
  /** The last checkpoint it cosigned for `origin`, if any. */
  latest(origin: string): Checkpoint | undefined;
  fail(fault: WitnessFault): void;
  close(): Promise<void>;
}

/**
 * A C2SP tlog-witness on 127.0.0.1 for the current test, closed when the test finishes. It trusts one
 * log (`origin`, checked with `logVerifierKey`), keeps the last (size, root) it cosigned, checks each
 * add-checkpoint as the spec says (404 unknown origin, 403 no trusted signature, 400 malformed, 409
 * stale old size or a different root at the same size, 422 bad proof), and cosigns with a key of its own.
 * `now` gives the cosignature's timestamp in seconds.
 */
export async function startWitnessStandIn(options: {
  origin: string;
  logVerifierKey: string;
  name?: string;
  now?: () => number;
}): Promise<WitnessStandIn> {
  const name = options.name ?? 'witness.test/w1';
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const logVerifier = parseVerifierKey(options.logVerifierKey);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const otherKey = generateKeyPairSync('ed25519').privateKey;
  const state = new Map<string, Checkpoint>();
  const requests: WitnessRequest[] = [];
  let fault: WitnessFault = 'none';

  const answer = (body: string): { status: number; body: string; type?: string } => {
    const parsed = parseRequest(body);
    if (!parsed) return { status: 400, body: 'malformed add-checkpoint body\n' };
    const { oldSize, proof, text, checkpoint } = parsed;
    if (checkpoint.origin !== options.origin) return { status: 404, body: 'unknown log\n' };
    if (checkpoint.origin !== logVerifier.name || !verifyNote(parseNote(parsed.note), logVerifier))
      return { status: 403, body: 'no signature by a trusted key\n' };
    if (oldSize > checkpoint.size) return { status: 400, body: 'old size is past the checkpoint\n' };
    const last = state.get(checkpoint.origin);
    const lastSize = last?.size ?? 0;
    const conflict = { status: 409, body: `${lastSize}\n`, type: 'text/x.tlog.size' };
    if (oldSize !== lastSize) return conflict;
    if (last && oldSize === checkpoint.size && !last.root.equals(checkpoint.root)) return conflict;
    if (last && !verifyConsistency(oldSize, checkpoint.size, last.root, checkpoint.root, proof))
      return { status: 422, body: 'the consistency proof does not verify\n' };
    if (!last && proof.length > 0) return { status: 422, body: 'a proof from size 0 is empty\n' };
    state.set(checkpoint.origin, checkpoint);
    const signedText = fault === 'forge' ? text.replace(/\n/, '\nforged\n') : text;
    const line = cosign(signedText, { name, privateKey }, now());
    const stranger = cosign(text, { name: 'stranger.test/w9', privateKey: otherKey }, now());
    // Lines by unknown keys come too, as from a witness with several keys: the client must ignore them.
    const lines = formatNote({ text, signatures: [stranger, line] }).slice(text.length + 1);
    return { status: 200, body: lines, type: 'text/plain; charset=utf-8' };
  };

  const { url, close } = await listenForTest((request, response) => {
    const record: WitnessRequest = {
      method: request.method,
      path: request.url,
      body: request.body,
      status: undefined,
    };
    requests.push(record);
    if (fault === 'drop') return void response.socket?.destroy();
    if (fault === 'hang') return;
    const reply =
      fault === 'error'
        ? { status: 500, body: 'internal error\n' }
        : record.method !== 'POST' || record.path !== '/add-checkpoint'
          ? { status: 404, body: 'not found\n' }
          : answer(record.body);
    record.status = reply.status;
    response.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain; charset=utf-8' });
    response.end(reply.body);
  });
  return {
    url,
    name,
    verifierKey: cosignatureVerifierKeyOf(name, publicKey),
    requests,
    latest: (origin) => state.get(origin),
    fail: (next) => {
      fault = next;
    },
    close,
  };
}

/** Reads an add-checkpoint body strictly, as the spec writes it; undefined when it is malformed. */
function parseRequest(body: string) {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return undefined;
  const [oldLine = '', ...proofLines] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || proofLines.length > 63) return undefined;
  const proof = proofLines.map((line) => Buffer.from(line, 'base64'));
  if (proof.some((hash, index) => hash.length !== 32 || hash.toString('base64') !== proofLines[index]))
    return undefined;
  const note = body.slice(blank + 2);
  try {
    const { text } = parseNote(note);
    return { oldSize: Number(old[1]), proof, note, text, checkpoint: parseCheckpoint(text) };
  } catch {
    return undefined;
  }
}
