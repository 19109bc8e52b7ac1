import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION, actionIdOf, anyActionOf, COMMAND, EVENT } from '../../../src/adapters/slack/ids.js';
import { sourceText } from '../../support/source-text.js';

interface Manifest {
  features: {
    slash_commands: Array<{ command: string; should_escape?: boolean }>;
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean };
    socket_mode_enabled: boolean;
  };
}

const manifest = async () => parse(await readFile('manifest.yml', 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it("is a valid Slack app manifest under Slack's published schema", async () => {
    const schema = JSON.parse(
      await readFile('test/fixtures/slack-manifest-schema/manifest.schema.1.0.0.json', 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(await manifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares exactly the slash command the code handles, with mentions escaped', async () => {
    const { features } = await manifest();
    expect(features.slash_commands.map((command) => command.command)).toEqual([COMMAND]);
    expect(features.slash_commands[0]?.should_escape).toBe(true);
    expect(await sourceText()).toContain('app.command(COMMAND');
  });

  it('subscribes to exactly the events the code listens for', async () => {
    const code = await sourceText();
    const listened = [...code.matchAll(/app\.event\(EVENT\.(\w+)/g)].map(
      (match) => EVENT[match[1] as keyof typeof EVENT],
    );
    const { settings } = await manifest();
    expect(listened.length).toBeGreaterThan(0);
    expect(new Set(settings.event_subscriptions.bot_events)).toEqual(new Set(listened));
    expect(new Set(listened)).toEqual(new Set(Object.values(EVENT)));
    // Every listener names its event through ids.ts, so none can be left out of the comparison.
    expect(code).not.toMatch(/app\.event\(['"`]/);
  });

  it('enables interactivity and the Home tab, which the code uses, and states the socket mode setting', async () => {
    const { settings, features } = await manifest();
    expect(settings.interactivity.is_enabled).toBe(true);
    expect(features.app_home.home_tab_enabled).toBe(true);
    expect(typeof settings.socket_mode_enabled).toBe('boolean');
  });

  it('has a handler for every button the views draw, and draws every button it handles', async () => {
    const code = await sourceText();
    const handled = new Set(
      [...code.matchAll(/app\.action<[^>]*>\(\s*(?:anyActionOf\()?ACTION\.([a-zA-Z]+)/g)].map(
        (match) => match[1],
      ),
    );
    // A button is drawn with its id, or with a suffixed id where several share a listener.
    const drawn = new Set(
      [...code.matchAll(/button\(\s*(?:actionIdOf\()?ACTION\.([a-zA-Z]+)/g)].map((match) => match[1]),
    );
    expect(handled).toEqual(new Set(Object.keys(ACTION)));
    expect(drawn).toEqual(new Set(Object.keys(ACTION)));
  });
});

describe('suffixed action ids', () => {
  it('gives buttons that share a listener their own ids, and the listener matches each and the bare id', () => {
    const go = actionIdOf(ACTION.goNoGo, 'go');
    const noGo = actionIdOf(ACTION.goNoGo, 'no_go');
    expect(go).not.toBe(noGo);
    const matcher = anyActionOf(ACTION.goNoGo);
    expect([go, noGo, ACTION.goNoGo].every((id) => matcher.test(id))).toBe(true);
    expect(matcher.test(`${ACTION.goNoGo}x`)).toBe(false);
    expect(matcher.test(ACTION.approve)).toBe(false);
  });
});
