/**
 * Check recorded fixture answers against GitHub's OpenAPI description with
 * Ajv: each (route, method, status) answer against the schema the
 * description gives it; statuses an operation does not list (a 403 rate
 * limit, a 401) against basic-error, which is what GitHub sends for them.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Recorded } from './github-fixture.js';

type Json = Record<string, unknown>;
// ajv-formats is CommonJS: its default export arrives wrapped under tsx/ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => void;

export function makeResponseChecker(spec: Json): (r: Recorded) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const components = spec.components;
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json) => {
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile({ ...schema, components });
      cache.set(key, v);
    }
    return v;
  };
  const paths = spec.paths as Record<string, Record<string, { responses: Record<string, Json> }>>;
  return (r: Recorded) => {
    if (!r.route) return [];
    const op = paths[r.route]?.[r.method.toLowerCase()];
    if (!op) return [`${r.method} ${r.route} is not in the description`];
    const resp = op.responses[String(r.status)];
    let schema: Json | undefined;
    if (resp) {
      const content = resp.content as Record<string, { schema?: Json }> | undefined;
      schema = content?.['application/json']?.schema;
      if (!schema) return r.body === undefined ? [] : [];
    } else schema = { $ref: '#/components/schemas/basic-error' };
    const v = compile(`${r.method} ${r.route} ${resp ? r.status : 'error'}`, schema);
    if (v(r.body)) return [];
    return (v.errors ?? []).map(
      (e) => `${r.method} ${r.route} ${r.status}: ${e.instancePath || '/'} ${e.message ?? ''}`,
    );
  };
}
