import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorCodeOf, MecError } from '../../src/domain/errors.js';

const SRC = 'src';

// BullMQ's own signals: to put a job back to wait after `worker.rateLimit()`, and to leave a job
// delayed after `job.moveToDelayed()`. They are matched by their message, never logged, and not
// errors of ours.
const LIBRARY_SIGNALS = new Set(['RateLimitError', 'DelayedError']);

const BUILT_IN_ERROR =
  /\bnew\s+(?:Error|TypeError|RangeError|SyntaxError|ReferenceError|AggregateError)\s*\(/;

/**
 * The lines of one source file that throw (or reject with) something other than a MecError. A bare
 * `throw error` passes only as the rethrow of a caught error, named in a `catch` in the same file.
 * Comment lines are skipped; a throw that follows code on the same line is still seen.
 */
function uncodedThrows(source: string, mecErrorClasses: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const lines = source.split('\n');
  lines.forEach((line, index) => {
    const where = `${index + 1}: ${line.trim()}`;
    if (/^\s*(?:\/\/|\/\*|\*)/.test(line)) return;
    if (BUILT_IN_ERROR.test(line)) {
      found.push(where);
      return;
    }
    for (const match of line.matchAll(/\bthrow\s+(.*)$/g)) {
      const thrown = (match[1] as string).trim() || (lines[index + 1] ?? '').trim();
      const constructed = /^new\s+([A-Za-z_$][\w$]*)/.exec(thrown)?.[1];
      if (constructed) {
        if (!mecErrorClasses.has(constructed) && !LIBRARY_SIGNALS.has(constructed)) found.push(where);
        continue;
      }
      const rethrown = /^([A-Za-z_$][\w$]*)\s*;?$/.exec(thrown)?.[1];
      const caught = rethrown && new RegExp(`catch\\s*\\(\\s*\\(?\\s*${rethrown}\\b`).test(source);
      if (!caught) found.push(where);
    }
  });
  return found;
}

async function sourceFiles(): Promise<Array<{ path: string; text: string }>> {
  const names = (await readdir(SRC, { recursive: true })).filter((name) => name.endsWith('.ts'));
  return Promise.all(
    names.map(async (name) => ({ path: join(SRC, name), text: await readFile(join(SRC, name), 'utf8') })),
  );
}

/** MecError and every class in src/ that extends it, directly or through another. */
function mecErrorClassesIn(files: ReadonlyArray<{ text: string }>): Set<string> {
  const classes = new Set(['MecError']);
  const extensions = files.flatMap(({ text }) =>
    [...text.matchAll(/class\s+(\w+)\s+extends\s+(\w+)/g)].map((m) => [m[1], m[2]] as const),
  );
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, base] of extensions) {
      if (name && base && classes.has(base) && !classes.has(name)) {
        classes.add(name);
        grew = true;
      }
    }
  }
  return classes;
}

describe('MecError', () => {
  it('carries its code, its message, its cause and its class name', () => {
    const cause = new Error('EACCES');
    const error = new MecError('artifact_unreadable', 'release artifact a.bin cannot be read', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'artifact_unreadable',
      message: 'release artifact a.bin cannot be read',
      name: 'MecError',
      cause,
    });
  });

  it('has no cause when none is given', () => {
    expect('cause' in new MecError('lock_timeout', 'timed out')).toBe(false);
  });

  it('names a subclass after itself', () => {
    class LockError extends MecError {}
    expect(new LockError('lock_timeout', 'timed out').name).toBe('LockError');
  });
});

describe('errorCodeOf', () => {
  it.each([
    ['a MecError', new MecError('mirror_mismatch', 'rebuild it'), 'mirror_mismatch'],
    ['a plain Error', new Error('boom'), 'unexpected'],
    [
      'a Node error with its own code',
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      'unexpected',
    ],
    ['a thrown string', 'boom', 'unexpected'],
    ['undefined', undefined, 'unexpected'],
  ])('gives the code of %s', (_what, error, code) => {
    expect(errorCodeOf(error)).toBe(code);
  });
});

describe('ERROR_CODES', () => {
  it('lists each code once, in snake_case', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
  });

  it('holds no code that src/ never uses', async () => {
    const others = (await sourceFiles()).filter(({ path }) => path !== join(SRC, 'domain', 'errors.ts'));
    const unused = ERROR_CODES.filter(
      (code) => code !== 'unexpected' && !others.some(({ text }) => text.includes(`'${code}'`)),
    );
    expect(unused).toEqual([]);
  });
});

describe('thrown errors in src/', () => {
  const classes = new Set(['MecError', 'BodyTooLargeError']);

  it.each([
    ['a plain Error', "throw new Error('boom');"],
    ['a TypeError', 'throw new TypeError(`not JSON`);'],
    ['a rejection with a plain Error', "else reject(new Error('no port'));"],
    ['an error class that is not a MecError', "throw new ConfigError('bad');"],
    ['a string', "throw 'boom';"],
    ['an object', "throw { code: 'boom' };"],
    ['a variable that no catch caught', 'const failure = make();\nthrow failure;'],
  ])('are caught by the scan when they throw %s', (_what, source) => {
    expect(uncodedThrows(source, classes)).not.toEqual([]);
  });

  it.each([
    ['a MecError', "throw new MecError('lock_timeout', 'timed out');"],
    [
      'a MecError on the next line',
      "if (late)\n  throw new MecError(\n    'lock_timeout',\n    'timed out',\n  );",
    ],
    ['a subclass', 'reject(new BodyTooLargeError(limitBytes));'],
    ['a rethrow from catch', 'try {\n  work();\n} catch (error) {\n  throw error;\n}'],
    ['a rethrow from .catch', '.catch((error: NodeJS.ErrnoException) => {\n  throw error;\n});'],
    ["BullMQ's rate-limit signal", 'throw new RateLimitError();'],
    ["BullMQ's delayed signal", 'throw new DelayedError();'],
    [
      'a comment about a throw',
      '// turns a synchronous throw into a rejection\n/** Throws on NaN: throw new Error is wrong */',
    ],
  ])('let %s through', (_what, source) => {
    expect(uncodedThrows(source, classes)).toEqual([]);
  });

  it('all carry a code: every throw and rejection is a MecError or a rethrow', async () => {
    const files = await sourceFiles();
    const classesInSrc = mecErrorClassesIn(files);
    const found = files.flatMap(({ path, text }) =>
      uncodedThrows(text, classesInSrc).map((where) => `${path}:${where}`),
    );
    expect(found).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});
