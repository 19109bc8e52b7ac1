import { z } from 'zod';
import type { Command } from '../../app/ports/command.js';
import { unescapeSlackText } from './escape-text.js';

export type Verb = Command['verb'];

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage?: string };

interface VerbSpec {
  usage: string;
  example: string;
  summary: string;
}

/** The grammar, in the order `help` lists it. */
export const VERBS: Record<Verb, VerbSpec> = {
  help: { usage: 'help', example: '/mec help', summary: 'this list' },
  status: { usage: 'status', example: '/mec status', summary: 'where the rollout stands' },
  start: {
    usage: 'start',
    example: '/mec start',
    summary: 'start the rollout of the phase; pre-flight runs first',
  },
  preflight: {
    usage: 'preflight',
    example: '/mec preflight',
    summary: 'run the pre-flight validation again',
  },
  smoke: { usage: 'smoke', example: '/mec smoke', summary: 'run the shadow smoke again' },
  go: { usage: 'go', example: '/mec go', summary: 'record your "go" (Governance Lead, SRE On-Call)' },
  nogo: {
    usage: 'nogo [reason]',
    example: '/mec nogo p99 regressed',
    summary: 'record a no-go: stops the rollout',
  },
  approvals: { usage: 'approvals', example: '/mec approvals', summary: 'post the approval card' },
  ramp: {
    usage: 'ramp <percent> [--dry-run]',
    example: '/mec ramp 25',
    summary: 'move traffic to the next step of the plan',
  },
  pause: { usage: 'pause [reason]', example: '/mec pause waiting for the dashboard', summary: 'hold ramps' },
  resume: { usage: 'resume', example: '/mec resume', summary: 'allow ramps again' },
  rollback: {
    usage: 'rollback [--dry-run] [reason]',
    example: '/mec rollback error budget burn',
    summary: 'return traffic to shadow',
  },
  abort: {
    usage: 'abort <reason>',
    example: '/mec abort wrong build',
    summary: 'stop a rollout that has not moved traffic',
  },
  ledger: {
    usage: 'ledger [--page <n>]',
    example: '/mec ledger --page 2',
    summary: 'the latest ledger entries; page 2 and on are older',
  },
  verify: {
    usage: 'verify',
    example: '/mec verify',
    summary: 'recompute the ledger chain, Merkle roots and approval digests',
  },
  review: { usage: 'review', example: '/mec review', summary: 'post the weekly governance review now' },
};

/** Longer text is refused before any parsing: no real command comes near it. */
const MAX_TEXT_LENGTH = 500;

// Control characters (other than the space itself) have no place in a command.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// With should_escape, Slack sends mentions as <@U…>, <#C…> and <!here>.
const MENTION = /<[@#!][^>]*>/;
const PERCENT = /^(\d{1,3})%?$/;

/**
 * Parses the text after `/mec`. `weights` are the ramp steps of the plan, so that `/mec ramp 33`
 * is answered with the steps that exist. Errors say what is wrong and show the valid form.
 */
export function parseCommand(text: string, weights: readonly number[]): ParseResult {
  if (text.length > MAX_TEXT_LENGTH) {
    return {
      ok: false,
      error: `That command is ${text.length} characters long; /mec commands are at most ${MAX_TEXT_LENGTH}.`,
      usage: 'help',
    };
  }
  if (CONTROL.test(text))
    return {
      ok: false,
      error: 'The command contains control characters; type it on one line.',
      usage: 'help',
    };
  if (MENTION.test(text)) {
    return {
      ok: false,
      error:
        'Mentions (@person, #channel, @here) are not taken in /mec commands; name roles and reasons in plain words.',
      usage: 'help',
    };
  }
  const [word = 'help', ...args] = text.trim().split(/\s+/).filter(Boolean);
  const verb = word.toLowerCase();
  if (!Object.hasOwn(VERBS, verb)) {
    return { ok: false, error: `\`${truncate(word)}\` is not a /mec command.`, usage: 'help' };
  }
  return parseArgs(verb as Verb, args, weights);
}

function parseArgs(verb: Verb, args: string[], weights: readonly number[]): ParseResult {
  // Slack sends the text with & < > escaped; a reason is kept as typed, and escaped again where it is shown.
  const reason = unescapeSlackText(args.join(' ')) || undefined;
  switch (verb) {
    case 'nogo':
    case 'pause':
      return ok(reason ? { verb, reason } : { verb });
    case 'abort':
      return reason ? ok({ verb, reason }) : fail(verb, 'An abort needs a reason.');
    case 'rollback': {
      const dryRun = args[0] === '--dry-run';
      const rest = unescapeSlackText((dryRun ? args.slice(1) : args).join(' ')) || undefined;
      return ok(rest ? { verb, dryRun, reason: rest } : { verb, dryRun });
    }
    case 'ramp':
      return parseRamp(args, weights);
    case 'ledger':
      return parseLedger(args);
    default:
      return args.length > 0
        ? fail(verb, `\`${verb}\` takes no arguments, but got \`${truncate(args.join(' '))}\`.`)
        : ok({ verb });
  }
}

function parseRamp(args: string[], weights: readonly number[]): ParseResult {
  const dryRun = args.includes('--dry-run');
  const rest = args.filter((arg) => arg !== '--dry-run');
  const steps = `the plan's steps are ${weights.map((weight) => `${weight}%`).join(', ')}`;
  if (rest.length === 0) return fail('ramp', `Say which step to ramp to: ${steps}.`);
  if (rest.length > 1)
    return fail('ramp', `\`ramp\` takes one percentage, but got \`${truncate(rest.join(' '))}\`.`);
  const match = PERCENT.exec(rest[0] as string);
  if (!match) return fail('ramp', `\`${truncate(rest[0] as string)}\` is not a percentage; ${steps}.`);
  const weightPct = Number(match[1]);
  if (!weights.includes(weightPct)) return fail('ramp', `${weightPct}% is not a step of the plan; ${steps}.`);
  return ok({ verb: 'ramp', weightPct, dryRun });
}

/** A page of the ledger: a whole number from 1. */
const PAGE = z
  .string()
  .regex(/^\d{1,6}$/)
  .transform(Number)
  .pipe(z.number().int().min(1));

function parseLedger(args: string[]): ParseResult {
  if (args.length === 0) return ok({ verb: 'ledger' });
  const [first, second, ...rest] = args;
  const raw = first === '--page' ? second : first;
  const extra = first === '--page' ? rest : [second, ...rest].filter((arg) => arg !== undefined);
  const page = PAGE.safeParse(raw);
  if (raw === undefined || extra.length > 0 || !page.success)
    return fail(
      'ledger',
      `\`${truncate(args.join(' '))}\` is not a page of the ledger; say a page number from 1, like \`/mec ledger --page 2\`.`,
    );
  return ok({ verb: 'ledger', page: page.data });
}

const ok = (command: Command): ParseResult => ({ ok: true, command });
const fail = (verb: Verb, error: string): ParseResult => ({ ok: false, error, usage: verb });
const truncate = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** The valid form of a verb, or of every verb, for error messages and help. */
export function usageOf(verb: Verb | 'help'): string {
  if (verb === 'help')
    return Object.values(VERBS)
      .map((spec) => `\`/mec ${spec.usage}\``)
      .join(' · ');
  const spec = VERBS[verb];
  return `\`/mec ${spec.usage}\`, for example \`${spec.example}\``;
}
