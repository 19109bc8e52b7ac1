import type { VerifyReport } from '../app/verify-workspace.js';
import { canonicalJson } from '../domain/canonical-json.js';

/** Prints verify's checks and `verdict` when all hold, and the entry and its inclusion proof when `--entry` asked for one. */
export function printVerifyReport(
  report: VerifyReport,
  verdict: string,
  entrySeq: number | undefined,
): number {
  for (const check of report.checks)
    console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  let ok = report.ok;
  if (entrySeq !== undefined) {
    const inclusion = report.audit.inclusion;
    if (!inclusion) {
      console.error(
        `\nentry #${entrySeq} is in no signed checkpoint yet (the ledger has ${report.audit.entries} entries)`,
      );
      ok = false;
    } else {
      const { entry, checkpoint, proof } = inclusion;
      console.log(`\nentry #${entry.seq}: ${canonicalJson(entry.body)}`);
      console.log(`hash ${entry.hash}, leaf index ${entry.seq - 1}`);
      console.log(
        `inclusion proof against checkpoint ${checkpoint.size} (root ${checkpoint.root.toString('hex')}):`,
      );
      for (const node of proof) console.log(`  ${node.toString('hex')}`);
      console.log(inclusion.ok ? 'the proof verifies: the entry is in the signed log' : 'the proof FAILS');
      ok &&= inclusion.ok;
    }
  }
  const first = report.checks.find((check) => !check.ok);
  if (first) console.error(`\nverify failed at ${first.name}: ${first.detail}`);
  else if (ok) console.log(`\n${verdict}`);
  return ok ? 0 : 1;
}

export interface VerifyArgs {
  entry?: number;
  bundle?: string;
  workspace?: string;
  key?: string;
}

export const VERIFY_USAGE =
  'usage: npm run verify [-- --entry N] | npm run verify -- --bundle FILE --workspace DIR [--key VERIFIER_KEY] [--entry N]';

/** Reads verify's flags; a problem comes back as a sentence saying what to do. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | string {
  const args: VerifyArgs = {};
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value; ${VERIFY_USAGE}`;
    if (flag === '--entry') {
      if (!/^[1-9][0-9]*$/.test(value)) return `--entry takes an entry number like 12, not ${value}`;
      args.entry = Number(value);
    } else if (flag === '--bundle') args.bundle = value;
    else if (flag === '--workspace') args.workspace = value;
    else if (flag === '--key') args.key = value;
    else return `unknown flag ${flag}; ${VERIFY_USAGE}`;
  }
  if (args.bundle !== undefined && args.workspace === undefined)
    return `--bundle needs --workspace DIR, the release workspace to check it against; ${VERIFY_USAGE}`;
  return args;
}
