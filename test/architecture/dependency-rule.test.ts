import { describe, expect, it } from 'vitest';
import { type ImportEdge, importGraph } from './import-graph.js';

const edges = importGraph('src');

/** The layer of a module under `src/`: its top folder, or `adapters/<technology>`. */
function layerOf(path: string): string {
  const [top, second] = path.split('/');
  if (top === 'adapters') return `adapters/${second}`;
  if (top === 'app' && second === 'ports') return 'app/ports';
  return path.includes('/') ? (top as string) : path;
}

type Rule = { layer: (layer: string) => boolean; allowed: (edge: ImportEdge, layer: string) => boolean };

const internal = (edge: ImportEdge) => edge.to !== undefined;
const into = (edge: ImportEdge, ...layers: string[]) =>
  edge.to !== undefined && layers.some((layer) => layerOf(edge.to as string) === layer);
const packageOf = (specifier: string) =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] as string);

/**
 * The dependency rule (issue 8): every dependency points inward. The domain imports only itself and
 * two pure packages; the use cases import only the domain and their ports; an adapter imports ports,
 * the domain, its own technology's modules and the shared infra, never another adapter or a use case.
 * Only the composition root and the entry points may import everything.
 */
const RULES: Record<string, Rule> = {
  domain: {
    layer: (layer) => layer === 'domain',
    allowed: (edge) =>
      internal(edge)
        ? into(edge, 'domain')
        : ['node:crypto', 'date-fns', '@date-fns/utc'].includes(packageOf(edge.specifier)),
  },
  'app/ports': {
    layer: (layer) => layer === 'app/ports',
    allowed: (edge) => internal(edge) && into(edge, 'domain', 'app/ports'),
  },
  app: {
    layer: (layer) => layer === 'app',
    allowed: (edge) =>
      internal(edge) ? into(edge, 'domain', 'app', 'app/ports') : edge.specifier === 'node:crypto',
  },
  adapters: {
    layer: (layer) => layer.startsWith('adapters/'),
    allowed: (edge, layer) => !internal(edge) || into(edge, 'domain', 'app/ports', 'infra', layer),
  },
  config: {
    layer: (layer) => layer === 'config',
    allowed: (edge) => !internal(edge) || into(edge, 'domain', 'config'),
  },
  // Shared plumbing (logging, local processes, ports): the domain's errors, nothing of the app's.
  infra: {
    layer: (layer) => layer === 'infra',
    allowed: (edge) => !internal(edge) || into(edge, 'infra', 'domain'),
  },
  // The local sandbox wires a Slack look-alike from the Slack and HTTP adapters, for development.
  sandbox: {
    layer: (layer) => layer === 'sandbox',
    allowed: (edge) => !internal(edge) || !into(edge, 'app', 'composition', 'cli', 'main.ts'),
  },
  composition: {
    layer: (layer) => layer === 'composition' || layer === 'cli',
    allowed: (edge) => edge.to !== 'main.ts',
  },
};

const violations = (name: string) => {
  const rule = RULES[name] as Rule;
  return edges
    .filter((edge) => rule.layer(layerOf(edge.from)) && !rule.allowed(edge, layerOf(edge.from)))
    .map((edge) => `${edge.from} → ${edge.specifier}`);
};

describe('the dependency rule', () => {
  it.each(Object.keys(RULES))('holds for %s', (name) => {
    expect(violations(name)).toEqual([]);
  });

  it('sorts every module of src/ into a layer the rules cover, or an entry point', () => {
    const unruled = [...new Set(edges.map((edge) => edge.from))].filter(
      (from) => from !== 'main.ts' && !Object.values(RULES).some((rule) => rule.layer(layerOf(from))),
    );
    expect(unruled).toEqual([]);
  });
});

describe('the import graph it checks', () => {
  it('sees a planted violation: an adapter that imports a use case and another adapter', () => {
    const planted: ImportEdge[] = [
      { from: 'adapters/slack/x.ts', specifier: '../../app/run-ramp.js', to: 'app/run-ramp.ts' },
      {
        from: 'adapters/slack/x.ts',
        specifier: '../redis/redis-ledger.js',
        to: 'adapters/redis/redis-ledger.ts',
      },
      { from: 'domain/y.ts', specifier: 'ioredis', to: undefined },
    ];
    const rule = RULES.adapters as Rule;
    expect(
      planted.filter((edge) => rule.layer(layerOf(edge.from)) && !rule.allowed(edge, layerOf(edge.from))),
    ).toHaveLength(2);
    expect((RULES.domain as Rule).allowed(planted[2] as ImportEdge, 'domain')).toBe(false);
  });

  it('finds the imports of real modules', () => {
    expect(edges.some((edge) => edge.from === 'app/transition.ts' && edge.to === 'domain/decide.ts')).toBe(
      true,
    );
    expect(edges.length).toBeGreaterThan(300);
  });
});
