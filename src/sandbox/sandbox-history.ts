import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../adapters/files/atomic-write.js';
import { MecError } from '../domain/errors.js';
import type { StoredMessage } from './slack-api-stand-in.js';

/** What the sandbox keeps across a restart: the stand-in's messages, and the alarms the page injected. */
export interface SandboxHistory {
  messages: StoredMessage[];
  /** Each injected alarm still firing, with the `startsAt` its resolved alert must repeat. */
  firing: Record<string, string>;
}

const stored = z.object({
  messages: z.array(
    z.object({
      channel: z.string(),
      ts: z.string().regex(/^\d+\.\d+$/),
      threadTs: z.string().optional(),
      text: z.string(),
      blocks: z.array(z.unknown()),
      user: z.string(),
      postedAt: z.number(),
      editedAt: z.number().optional(),
    }),
  ),
  firing: z.record(z.string(), z.string()),
});

/** The history saved at `path`; an empty one when there is none yet. */
export async function loadHistory(path: string): Promise<SandboxHistory> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return { messages: [], firing: {} };
  let problem: string;
  try {
    const parsed = stored.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data as SandboxHistory;
    const [issue] = parsed.error.issues;
    problem = `${issue?.path.join('.')}: ${issue?.message}`;
  } catch (error) {
    problem = (error as Error).message;
  }
  throw new MecError(
    'sandbox_history_unreadable',
    `the sandbox's Slack history in ${path} cannot be read (${problem}); run \`npm run sandbox:reset\` to start a fresh demo`,
  );
}

/**
 * Saves the history at `path` each time `snapshot` changes, one write at a time: changes that arrive
 * during a write are saved together by the next one. `flush` resolves once everything asked is saved;
 * a write that fails is reported, and the next change tries again.
 */
export function historySaver(
  path: string,
  snapshot: () => SandboxHistory,
  reportFailure: (error: Error) => void,
) {
  let writing: Promise<void> | undefined;
  let again = false;
  const write = async (): Promise<void> => {
    do {
      again = false;
      await writeFileAtomic(path, JSON.stringify(snapshot()));
    } while (again);
  };
  const save = (): Promise<void> => {
    if (writing) {
      again = true;
      return writing;
    }
    writing = write()
      .catch(reportFailure)
      .finally(() => {
        writing = undefined;
      });
    return writing;
  };
  return { save, flush: () => writing ?? Promise.resolve() };
}
