import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historySaver, loadHistory, type SandboxHistory } from '../../src/sandbox/sandbox-history.js';

const message = (ts: string, text: string) => ({
  channel: 'C0RELEASE01',
  ts,
  text,
  blocks: [],
  user: 'U0MECBOT',
  postedAt: 1_764_590_000_000,
});

const file = async () => join(await mkdtemp(join(tmpdir(), 'mec-sandbox-history-')), 'slack-history.json');

describe("the sandbox's Slack history", () => {
  it('is empty before anything was saved, and reads back what was', async () => {
    const path = await file();
    expect(await loadHistory(path)).toEqual({ messages: [], firing: {} });
    const history: SandboxHistory = {
      messages: [
        message('1700000001.000001', 'one'),
        {
          ...message('1700000002.000002', 'two'),
          threadTs: '1700000001.000001',
          editedAt: 1_764_590_001_000,
        },
      ],
      firing: { latency_slo_drop: '2026-12-01T10:00:00.000Z' },
    };
    await historySaver(
      path,
      () => history,
      () => undefined,
    ).save();
    expect(await loadHistory(path)).toEqual(history);
  });

  it('refuses a file it cannot read back, saying how to start afresh', async () => {
    const path = await file();
    await writeFile(path, '{"messages": [{"ts": 5}]');
    await expect(loadHistory(path)).rejects.toMatchObject({
      code: 'sandbox_history_unreadable',
      message: expect.stringContaining('run `npm run sandbox:reset` to start a fresh demo'),
    });
    await writeFile(path, JSON.stringify({ messages: [{ ts: 'not a ts' }], firing: {} }));
    await expect(loadHistory(path)).rejects.toMatchObject({ message: expect.stringContaining('messages.0') });
  });

  it('saves changes made while a write is under way in one more write, ending with the latest', async () => {
    const path = await file();
    let messages = [message('1700000001.000001', 'one')];
    let snapshots = 0;
    const saver = historySaver(
      path,
      () => {
        snapshots += 1;
        return { messages, firing: {} };
      },
      () => undefined,
    );
    const first = saver.save();
    for (const text of ['two', 'three', 'four']) {
      messages = [...messages, message(`170000000${messages.length + 1}.00000${messages.length + 1}`, text)];
      void saver.save();
    }
    await first;
    await saver.flush();
    expect(snapshots).toBe(2);
    expect(JSON.parse(await readFile(path, 'utf8')).messages.map((m: { text: string }) => m.text)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it('reports a write that fails, and writes again on the next change', async () => {
    const path = await file();
    const failures: Error[] = [];
    let fail = true;
    const saver = historySaver(
      path,
      () => {
        if (fail) throw new Error('disk full');
        return { messages: [], firing: {} };
      },
      (error) => failures.push(error),
    );
    await saver.save();
    expect(failures.map((error) => error.message)).toEqual(['disk full']);
    fail = false;
    await saver.save();
    expect(await loadHistory(path)).toEqual({ messages: [], firing: {} });
  });
});
