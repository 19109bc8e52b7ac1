interface HostPort {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
}

/** Where the bot finds Redis through Sentinel: the sentinels to ask, and the name of the master they watch. */
export interface SentinelTarget extends Credentials {
  sentinels: HostPort[];
  /** The master's name, as in the sentinels' `sentinel monitor <name> ...`. */
  name: string;
  db: number;
}

/** Where the bot finds a Redis Cluster: some of its nodes, from which the client learns the rest. */
export interface ClusterTarget extends Credentials {
  nodes: HostPort[];
}

/**
 * REDIS_URL's forms beyond ioredis's own (`redis://`, `rediss://`, a unix socket's path):
 * `redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/<master>[/<db>]`, and
 * `redis+cluster://[[user]:password@]host[:port][,host[:port]...]`: no WHATWG URLs, since they hold
 * several hosts. The credentials are those of the Redis servers; sentinels are asked without any.
 */
const SENTINEL_URL = /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?#@]+)\/([^/?#]+)(?:\/(\d{1,2}))?\/?$/;
const CLUSTER_URL = /^redis\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/;

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

function hostsOf(list: string, defaultPort: number): HostPort[] | string {
  const hosts: HostPort[] = [];
  for (const entry of list.split(',')) {
    const hostPort = HOST_PORT.exec(entry);
    const port = Number(hostPort?.[2] ?? defaultPort);
    if (!hostPort?.[1] || port < 1 || port > 65_535) return `names a host "${entry}" that is not host:port`;
    hosts.push({ host: hostPort[1].replace(/^\[|\]$/g, ''), port });
  }
  return hosts;
}

function credentialsOf(auth: string | undefined): Credentials {
  if (auth === undefined) return {};
  const colon = auth.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(auth.slice(colon + 1));
  return { ...(username !== '' ? { username } : {}), ...(password !== '' ? { password } : {}) };
}

/**
 * The Sentinel target a REDIS_URL names, undefined when it names no Sentinel, or a sentence that says
 * what is wrong with a `redis+sentinel://` one.
 */
export function sentinelTargetOf(url: string): SentinelTarget | string | undefined {
  if (!url.startsWith('redis+sentinel:')) return undefined;
  const match = SENTINEL_URL.exec(url);
  if (!match) return 'must be redis+sentinel://[:password@]host:port[,host:port...]/<master name>[/<db>]';
  const sentinels = hostsOf(match[2] ?? '', 26_379);
  if (typeof sentinels === 'string') return sentinels;
  return {
    sentinels,
    name: decodeURIComponent(match[3] ?? ''),
    db: Number(match[4] ?? 0),
    ...credentialsOf(match[1]),
  };
}

/**
 * The Cluster target a REDIS_URL names, undefined when it names no cluster, or a sentence that says
 * what is wrong with a `redis+cluster://` one.
 */
export function clusterTargetOf(url: string): ClusterTarget | string | undefined {
  if (!url.startsWith('redis+cluster:')) return undefined;
  const match = CLUSTER_URL.exec(url);
  if (!match) return 'must be redis+cluster://[:password@]host:port[,host:port...]';
  const nodes = hostsOf(match[2] ?? '', 6_379);
  if (typeof nodes === 'string') return nodes;
  return { nodes, ...credentialsOf(match[1]) };
}

/**
 * The hash tag of a key as Redis Cluster reads it: what is between its first `{` and the first `}`
 * after that, if not empty. Keys with the same tag are in one slot.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : undefined;
}
