import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/files/atomic-write.js';
import { rulePack, rulePackPath } from '../adapters/prometheus/rule-pack.js';
import { loadSettings } from '../config/load-settings.js';

// `npm run rules`: writes the Prometheus rule pack for the configured phase into the workspace.
const result = await loadSettings(process.env);
if (!result.ok) {
  console.error(`Configuration problems:\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exitCode = 2;
} else {
  const { config, workspace } = result.settings;
  const path = join(workspace, rulePackPath(config.phase));
  await writeFileAtomic(path, rulePack(config));
  console.log(`Wrote ${config.alarms.length} rules to ${path}`);
}
