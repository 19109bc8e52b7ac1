export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Checks that span fields: role references, the shape of the plan, unique names. They read the raw
 * document defensively, so they run, and report, even when some field failed its own validation.
 */
export function crossCheckConfig(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], message: string) => issues.push({ path, message });
  const doc = (raw ?? {}) as Record<string, unknown>;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const field = (value: unknown, key: string): unknown =>
    value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

  const roleIds = list(doc.roles).map((r) => field(r, 'id'));
  roleIds.forEach((id, index) => {
    if (typeof id === 'string' && roleIds.indexOf(id) !== index)
      issue(['roles', index, 'id'], `"${id}" is listed twice`);
  });
  const known = new Set(roleIds.filter((id): id is string => typeof id === 'string'));
  const checkRefs = (path: PropertyKey[], ids: unknown) =>
    list(ids).forEach((id, index) => {
      if (typeof id === 'string' && !known.has(id))
        issue([...path, index], `"${id}" is not one of the roles (${[...known].join(', ')})`);
    });
  checkRefs(['approvals', 'roles'], field(doc.approvals, 'roles'));
  checkRefs(['goNoGo', 'roles'], field(doc.goNoGo, 'roles'));
  if (doc.permissions && typeof doc.permissions === 'object') {
    for (const [action, ids] of Object.entries(doc.permissions)) checkRefs(['permissions', action], ids);
  }

  const steps = list(field(doc.plan, 'steps'));
  let lastWeight = 0;
  let lastKind: 'ramp' | 'soak' | undefined;
  steps.forEach((step, index) => {
    const weight = field(step, 'ramp');
    if (typeof weight === 'number') {
      if (weight <= lastWeight)
        issue(['plan', 'steps', index, 'ramp'], `must be above the ramp before it (${lastWeight}%)`);
      lastWeight = weight;
      lastKind = 'ramp';
    } else if (field(step, 'soak') !== undefined) {
      if (lastKind !== 'ramp') issue(['plan', 'steps', index], 'a soak must follow a ramp');
      lastKind = 'soak';
    }
  });
  if (steps.length > 0 && lastWeight !== 100)
    issue(['plan', 'steps'], `the last ramp must reach 100%, not ${lastWeight}%`);

  checkRefs(['preflight', 'contacts'], field(doc.preflight, 'contacts'));
  if (field(doc.metrics, 'source') === 'prometheus' && !field(doc.metrics, 'prometheusUrl')) {
    issue(['metrics', 'prometheusUrl'], 'is required when metrics.source is prometheus');
  }
  if (field(doc.traffic, 'controller') === 'http' && !field(doc.traffic, 'url')) {
    issue(['traffic', 'url'], 'is required when traffic.controller is http');
  }

  const alarmNames = list(doc.alarms).map((a) => field(a, 'name'));
  alarmNames.forEach((name, index) => {
    if (typeof name === 'string' && alarmNames.indexOf(name) !== index)
      issue(['alarms', index, 'name'], `"${name}" is listed twice`);
  });
  return issues;
}
