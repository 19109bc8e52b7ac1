import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpWitness } from '../../../src/adapters/http/witness-client.js';
import {
  checkpointText,
  formatNote,
  keyIdOf,
  parseNote,
  rawPublicKey,
  verifierKeyOf,
} from '../../../src/domain/checkpoint-note.js';
import {
  cosignatureVerifierKeyOf,
  parseCosignatureVerifierKey,
  verifyCosignature,
} from '../../../src/domain/cosignature.js';
import {
  consistencyProofRanges,
  leafHash,
  ProofCollector,
  TreeBuilder,
} from '../../../src/domain/log-tree.js';
import { listenForTest } from '../../support/local-server.js';
import { startWitnessStandIn } from '../../support/witness-stand-in.js';

const ORIGIN = 'mec.test/release-ledger';
const logKey = generateKeyPairSync('ed25519');
const LOG_VKEY = verifierKeyOf(ORIGIN, logKey.publicKey);
const leaves = Array.from({ length: 13 }, (_, index) => leafHash(Buffer.from(`entry ${index}`)));

/** Our signed checkpoint of the first `size` leaves. */
function signedCheckpoint(size: number, key = logKey.privateKey): { text: string; note: string } {
  const tree = new TreeBuilder();
  for (const leaf of leaves.slice(0, size)) tree.push(leaf);
  const text = checkpointText({ origin: ORIGIN, size, root: tree.root() });
  const keyId = keyIdOf(ORIGIN, rawPublicKey(logKey.publicKey));
  const note = formatNote({
    text,
    signatures: [{ name: ORIGIN, keyId, signature: sign(null, Buffer.from(text), key) }],
  });
  return { text, note };
}

/** The consistency proof from `oldSize` to `newSize` leaves, collected in one pass. */
function proofBetween(oldSize: number, newSize: number): Buffer[] {
  const ranges = consistencyProofRanges(oldSize, newSize);
  const collector = new ProofCollector(newSize, ranges);
  for (const leaf of leaves.slice(0, newSize)) collector.builder.push(leaf);
  return collector.hashes(ranges);
}

async function setUp(timeoutMs = 5_000) {
  const standIn = await startWitnessStandIn({ origin: ORIGIN, logVerifierKey: LOG_VKEY });
  const verifier = parseCosignatureVerifierKey(standIn.verifierKey);
  const witness = new HttpWitness({ url: standIn.url, timeoutMs, verifier });
  return { standIn, verifier, witness };
}

const verifiesWith = (vkey: string, text: string, line: string) => {
  const [signature] = parseNote(`${text}\n${line}\n`).signatures;
  return signature !== undefined && verifyCosignature(signature, text, parseCosignatureVerifierKey(vkey));
};

describe('HttpWitness', () => {
  it("sends the first checkpoint from old size 0 in the spec's body, and gets a cosignature by the witness's key", async () => {
    const { standIn, witness } = await setUp();
    const { text, note } = signedCheckpoint(5);
    const answer = await witness.addCheckpoint({ oldSize: 0, proof: [], note });
    expect(standIn.requests).toEqual([
      { method: 'POST', path: '/add-checkpoint', body: `old 0\n\n${note}`, status: 200 },
    ]);
    if (answer.kind !== 'cosigned') throw new Error(`expected a cosignature, got ${answer.kind}`);
    // The stand-in's line by a key we do not know is dropped, as the spec asks.
    expect(answer.signatures).toHaveLength(1);
    const [line = ''] = answer.signatures;
    expect(line.startsWith(`— ${standIn.name} `)).toBe(true);
    expect(verifiesWith(standIn.verifierKey, text, line)).toBe(true);
    const stranger = cosignatureVerifierKeyOf(standIn.name, generateKeyPairSync('ed25519').publicKey);
    expect(verifiesWith(stranger, text, line)).toBe(false);
  });

  it('sends a later checkpoint with a consistency proof, one base64 hash a line, that the witness accepts', async () => {
    const { standIn, witness } = await setUp();
    await witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note });
    const proof = proofBetween(5, 13);
    expect(proof.length).toBeGreaterThan(1);
    const { text, note } = signedCheckpoint(13);
    const answer = await witness.addCheckpoint({ oldSize: 5, proof, note });
    expect(answer.kind).toBe('cosigned');
    expect(standIn.requests[1]?.body).toBe(
      `old 5\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`,
    );
    expect(standIn.latest(ORIGIN)?.size).toBe(13);
    if (answer.kind === 'cosigned')
      expect(verifiesWith(standIn.verifierKey, text, answer.signatures[0] ?? '')).toBe(true);
  });

  it("answers a conflict with the witness's size when the old size is not the one it saw last", async () => {
    const { witness } = await setUp();
    await witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(8).note });
    const answer = await witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(13).note });
    expect(answer).toEqual({ kind: 'conflict', witnessSize: 8 });
  });

  it('throws witness_refused, naming the 422, for a proof that does not verify; the witness keeps its size', async () => {
    const { standIn, witness } = await setUp();
    await witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note });
    const proof = proofBetween(6, 13);
    const refused = witness.addCheckpoint({ oldSize: 5, proof, note: signedCheckpoint(13).note });
    await expect(refused).rejects.toMatchObject({
      code: 'witness_refused',
      message: expect.stringContaining('(422)'),
    });
    expect(standIn.latest(ORIGIN)?.size).toBe(5);
  });

  it('throws witness_refused (403) for a checkpoint signed by a key the witness does not trust', async () => {
    const { witness } = await setUp();
    const { note } = signedCheckpoint(5, generateKeyPairSync('ed25519').privateKey);
    await expect(witness.addCheckpoint({ oldSize: 0, proof: [], note })).rejects.toMatchObject({
      code: 'witness_refused',
      message: expect.stringContaining('(403)'),
    });
  });

  it('throws witness_answer_invalid when the cosignature by its key does not verify', async () => {
    const { standIn, witness } = await setUp();
    standIn.fail('forge');
    await expect(
      witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note }),
    ).rejects.toMatchObject({
      code: 'witness_answer_invalid',
    });
  });

  it('keeps every line unchecked when no witness key is configured', async () => {
    const { standIn } = await setUp();
    const witness = new HttpWitness({ url: `${standIn.url}/`, timeoutMs: 5_000 });
    const answer = await witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note });
    expect(answer.kind === 'cosigned' && answer.signatures.length).toBe(2);
    expect(standIn.requests[0]?.path).toBe('/add-checkpoint');
  });

  it.each([
    ['answers 500', 'error', 'witness_refused'],
    ['drops the connection', 'drop', 'witness_unreachable'],
    ['never answers within the timeout', 'hang', 'witness_unreachable'],
  ] as const)('throws when the witness %s', async (_, fault, code) => {
    // Only the hanging witness needs a short timeout; the others answer, however loaded the machine is.
    const { standIn, witness } = await setUp(fault === 'hang' ? 300 : 5_000);
    standIn.fail(fault);
    await expect(
      witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note }),
    ).rejects.toMatchObject({
      code,
      message: expect.stringContaining(standIn.url),
    });
  });

  it.each([
    ['a 409 that is not a text/x.tlog.size', 409, 'text/plain', '8\n'],
    ['a 409 whose size is not a decimal line', 409, 'text/x.tlog.size', '08\n'],
    ['a 200 that is not signature lines', 200, 'text/plain', 'cosigned!\n'],
    ['a 200 without its final newline', 200, 'text/plain', '— witness.test/w1 AAAAAAA='],
  ])('throws witness_answer_invalid for %s', async (_, status, type, body) => {
    const server = await listenForTest((_request, response) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    });
    const witness = new HttpWitness({ url: server.url, timeoutMs: 5_000 });
    await expect(
      witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note }),
    ).rejects.toMatchObject({
      code: 'witness_answer_invalid',
    });
  });

  it('throws witness_unreachable when nothing listens at the URL', async () => {
    const { standIn, witness } = await setUp();
    await standIn.close();
    await expect(
      witness.addCheckpoint({ oldSize: 0, proof: [], note: signedCheckpoint(5).note }),
    ).rejects.toMatchObject({
      code: 'witness_unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refuses a URL with credentials without repeating them, and keeps a query out of its messages', () => {
    let thrown: unknown;
    try {
      new HttpWitness({ url: 'https://user:hunter2@witness.test/w', timeoutMs: 1_000 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'witness_unreachable' });
    expect(String((thrown as Error).message)).not.toContain('hunter2');
    expect(new HttpWitness({ url: 'https://witness.test/w/?token=abc', timeoutMs: 1_000 }).url).toBe(
      'https://witness.test/w',
    );
  });
});
