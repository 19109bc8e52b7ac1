import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FEATURE_SCOPES, WEB_API_SCOPES } from '../../../src/adapters/slack/web-api-scopes.js';
import { sourceText } from '../../support/source-text.js';

const manifest = async () =>
  parse(await readFile('manifest.yml', 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };

/** Web API methods the code calls through Bolt's client, e.g. `client.chat.postMessage(`. */
async function methodsInCode(): Promise<Set<string>> {
  return new Set(
    [...(await sourceText()).matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)].map(
      (match) => `${match[1]}.${match[2]}`,
    ),
  );
}

describe('the Web API scopes', () => {
  it('asks for exactly the bot scopes the code uses, both ways', async () => {
    const methods = await methodsInCode();
    expect(methods.size).toBeGreaterThan(0);
    for (const method of methods) expect(Object.keys(WEB_API_SCOPES), `scope of ${method}`).toContain(method);
    const needed = new Set<string>([...FEATURE_SCOPES]);
    for (const method of methods) {
      const scope = WEB_API_SCOPES[method];
      if (scope) needed.add(scope);
    }
    expect(new Set((await manifest()).oauth_config.scopes.bot)).toEqual(needed);
  });

  it('name a scope in the form Slack writes them, or none', () => {
    for (const scope of [...Object.values(WEB_API_SCOPES), ...FEATURE_SCOPES]) {
      if (scope !== null) expect(scope).toMatch(/^[a-z]+(?:\.[a-z]+)*:[a-z]+$|^commands$/);
    }
  });
});
