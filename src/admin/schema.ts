// The JSON Schema subset the admin routes are declared with, and the one small validator that reads it. The same
// schema objects feed the OpenAPI document (http/openapi/admin.ts), so what is validated is what is documented.
// Query and path values arrive as text: an `integer` there is coerced from decimal digits.
import { JsonNumber } from '../http/body.js';
import { adminError } from './errors.js';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface Schema {
  type?: SchemaType | readonly SchemaType[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  pattern?: string;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  example?: unknown;
}

export interface ObjectSchema extends Schema {
  type: 'object';
  properties: Record<string, Schema>;
}

/** Path parameters of a route: every one named is required (a path cannot leave one out). */
export function pathParams(properties: Record<string, Schema>): ObjectSchema {
  return { type: 'object', properties, required: Object.keys(properties) };
}

/** The `:id` of a route addressing one row: a positive integer. */
export const idParam: ObjectSchema = pathParams({ id: { type: 'integer', minimum: 1 } });

function typeOf(value: unknown): SchemaType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof JsonNumber) return /^-?[0-9]+$/.test(value.text) ? 'integer' : 'number';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value as SchemaType;
}

function typeMatches(allowed: readonly SchemaType[], actual: SchemaType): boolean {
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

/** Every way `value` departs from `schema`, as `path: problem` lines (empty when it conforms). */
export function schemaProblems(schema: Schema, value: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (schema.type !== undefined) {
    const allowed: readonly SchemaType[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const actual = typeOf(value);
    if (!typeMatches(allowed, actual)) {
      out.push(`${path}: must be ${allowed.join(' or ')}`);
      return out;
    }
  }
  if (schema.enum && !schema.enum.includes(value as string)) out.push(`${path}: must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: must have at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) out.push(`${path}: must match ${schema.pattern}`);
  }
  const n = value instanceof JsonNumber ? Number(value.text) : typeof value === 'number' ? value : undefined;
  if (n !== undefined) {
    if (schema.minimum !== undefined && n < schema.minimum) out.push(`${path}: must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && n > schema.maximum) out.push(`${path}: must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => schemaProblems(schema.items!, v, `${path}[${i}]`, out));
  if (typeOf(value) === 'object' && !Array.isArray(value)) objectProblems(schema, value as Record<string, unknown>, path, out);
  return out;
}

function objectProblems(schema: Schema, value: Record<string, unknown>, path: string, out: string[]): void {
  for (const key of schema.required ?? []) if (value[key] === undefined) out.push(`${path}.${key}: is required`);
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const child = schema.properties?.[key];
    if (child) schemaProblems(child, v, `${path}.${key}`, out);
    else if (schema.additionalProperties === false) out.push(`${path}.${key}: is not a known field`);
    else if (typeof schema.additionalProperties === 'object') schemaProblems(schema.additionalProperties, v, `${path}.${key}`, out);
  }
}

/**
 * Reads query or path values against an object schema: integers are coerced from their decimal text, repeated
 * query keys are refused. Throws `invalid_request` naming the first bad field.
 */
export function readTextInput(schema: ObjectSchema, raw: unknown, where: 'query' | 'path'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const prop = schema.properties[key];
    if (!prop) continue; // unknown query parameters are ignored, as most HTTP APIs do
    if (typeof value !== 'string') throw adminError('invalid_request', `${where} parameter ${key} must be given once`);
    if (prop.type === 'integer') {
      if (!/^[0-9]{1,15}$/.test(value)) throw adminError('invalid_request', `${where} parameter ${key} must be a whole number`);
      out[key] = Number(value);
    } else out[key] = value;
  }
  const problems = schemaProblems(schema, out, where);
  if (problems.length > 0) throw adminError('invalid_request', problems[0]!);
  return out;
}

/** Checks a parsed JSON body; throws `invalid_request` naming the first problem. */
export function checkBody(schema: ObjectSchema, body: unknown): void {
  const problems = schemaProblems(schema, body, 'body');
  if (problems.length > 0) throw adminError('invalid_request', problems[0]!);
}
