#!/usr/bin/env node
// The example workspace's strict compliance validator: the telemetry schema must be a JSON Schema that
// requires every field the MEC dashboards read. Exits 1, naming what is missing, when it does not.
import { readFileSync } from 'node:fs';

const REQUIRED = ['phase', 'flag', 'weight_pct', 'latency_ms', 'determinism_variance'];
const strict = process.argv.includes('--strict');
const schema = JSON.parse(readFileSync('telemetry/schema/meta_v1.json', 'utf8'));
const missing = REQUIRED.filter((field) => !(schema.required ?? []).includes(field));
const untyped = strict ? REQUIRED.filter((field) => !schema.properties?.[field]?.type) : [];
if (missing.length > 0 || untyped.length > 0) {
  console.error(`telemetry schema: missing ${missing.join(', ') || 'nothing'}; untyped ${untyped.join(', ') || 'nothing'}`);
  process.exit(1);
}
console.log(`telemetry schema: ${REQUIRED.length} required fields present${strict ? ' and typed' : ''}`);
