// The CRD schemas (operator/src/api/crd-schema.ts, rendered to crds/*.yaml) and the TS types
// (operator/src/api/types.ts) must describe the same objects: a field only in the types would be pruned by
// the apiserver, a field only in the schema would be invisible to the operator. The TS side of each check is
// enforced by tsc through the typed fixtures in operator/src/api/samples.ts; this test walks the schemas
// against them and validates objects with a small JSON-schema checker (the subset of OpenAPI v3 that
// structural CRD schemas use), since the CEL rules need a real apiserver (the operator e2e test has one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  CRD_FILES,
  kafkaClusterCrd,
  kafkaClusterSchema,
  kafkaTopicCrd,
  kafkaTopicSchema,
  type JSONSchemaProps,
} from '../src/api/crd-schema.js';
import { QUANTITY_PATTERN } from '../src/api/quantity.js';
import { crdsDir, renderCrdYaml } from '../src/api/render-crds.js';
import {
  ENUMS,
  REQUIRED_KEYS,
  fullKafkaCluster,
  fullKafkaTopic,
  minimalKafkaCluster,
  minimalKafkaTopic,
} from '../src/api/samples.js';
import { CLUSTER_LABEL, GROUP, VERSION } from '../src/api/types.js';
import { OPERATOR_OWNED_BROKER_CONFIG_KEYS, TOPIC_CONFIG_KEYS } from '../src/api/validate.js';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------------------------
// A small validator for structural schemas: type, properties (unknown fields are errors, as the apiserver
// would prune them silently), additionalProperties, required, enum, bounds, lengths, pattern, format
// date-time, int-or-string, list-type set/map uniqueness.
function check(schema: JSONSchemaProps, value: Json, path = ''): string[] {
  const at = path || '<root>';
  const errors: string[] = [];
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) errors.push(`${at}: must be an integer or a string`);
    } else if (typeof value === 'string') {
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    } else errors.push(`${at}: must be an integer or a string`);
    return errors;
  }
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) return [`${at}: must be an object`];
      for (const key of schema.required ?? []) if (!(key in value)) errors.push(`${path ? `${path}.` : ''}${key}: Required value`);
      const keys = Object.keys(value);
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
        errors.push(`${at}: more than ${schema.maxProperties} properties`);
      }
      for (const key of keys) {
        const child = `${path ? `${path}.` : ''}${key}`;
        const sub = schema.properties?.[key] ?? schema.additionalProperties;
        if (sub) errors.push(...check(sub, value[key], schema.properties?.[key] ? child : `${path}[${key}]`));
        // metadata is `type: object` without properties: the apiserver validates it itself.
        else if (schema.properties || path !== 'metadata') errors.push(`${child}: unknown field`);
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: must be an array`];
      if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at}: too many items`);
      value.forEach((item, i) => errors.push(...(schema.items ? check(schema.items, item, `${path}[${i}]`) : [])));
      const listType = schema['x-kubernetes-list-type'];
      if (listType === 'set' || listType === 'map') {
        const keyOf = (item: Json): string =>
          listType === 'set'
            ? JSON.stringify(item)
            : JSON.stringify((schema['x-kubernetes-list-map-keys'] ?? []).map((k) => (item as Record<string, Json>)[k]));
        const seen = new Set<string>();
        for (const item of value) {
          const k = keyOf(item);
          if (seen.has(k)) errors.push(`${at}: Duplicate value ${k}`);
          seen.add(k);
        }
      }
      break;
    }
    case 'string':
      if (typeof value !== 'string') return [`${at}: must be a string`];
      if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
      if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
        errors.push(`${at}: not a date-time`);
      }
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${at}: must be an ${schema.type}`];
      if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: must be a boolean`];
      break;
    default:
      return [`${at}: schema without type`];
  }
  if (schema.enum && !schema.enum.includes(value as string | number)) errors.push(`${at}: Unsupported value ${JSON.stringify(value)}`);
  return errors;
}

/** Every schema node with its path ("[]" = array items, "{}" = map values). */
function* nodes(schema: JSONSchemaProps, path = ''): Generator<[string, JSONSchemaProps]> {
  yield [path, schema];
  for (const [k, sub] of Object.entries(schema.properties ?? {})) yield* nodes(sub, path ? `${path}.${k}` : k);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
  if (schema.additionalProperties) yield* nodes(schema.additionalProperties, `${path}{}`);
  for (const sub of schema.anyOf ?? []) yield* nodes(sub, `${path}|`);
}

/**
 * Schema and sample must have the same keys everywhere: every schema property is set in the full sample
 * (which tsc forces to set every TS field) and every key of the sample is in the schema.
 */
function agree(schema: JSONSchemaProps, value: Json, path = ''): string[] {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || typeof value === 'number' ? [] : [`${path}: int-or-string`];
  if (path === 'metadata') return [];
  const errors: string[] = [];
  if (schema.type === 'object') {
    if (!isObject(value)) return [`${path}: schema says object`];
    if (schema.properties) {
      for (const key of Object.keys(schema.properties)) {
        const child = path ? `${path}.${key}` : key;
        if (!(key in value)) errors.push(`${child}: in the schema but not in the TS type (full sample)`);
        else errors.push(...agree(schema.properties[key]!, value[key], child));
      }
      for (const key of Object.keys(value)) {
        if (!(key in schema.properties)) errors.push(`${path ? `${path}.` : ''}${key}: in the TS type but not in the schema`);
      }
    } else if (schema.additionalProperties) {
      if (Object.keys(value).length === 0) errors.push(`${path}: map is empty in the full sample`);
      for (const [k, v] of Object.entries(value)) errors.push(...agree(schema.additionalProperties, v, `${path}{${k}}`));
    }
  } else if (schema.type === 'array') {
    if (!Array.isArray(value) || value.length === 0) return [`${path}: needs a non-empty array in the full sample`];
    for (const item of value) errors.push(...agree(schema.items!, item, `${path}[]`));
  } else if (schema.type === 'integer' || schema.type === 'number') {
    if (typeof value !== 'number') errors.push(`${path}: schema says ${schema.type}, sample has ${typeof value}`);
  } else if (typeof value !== schema.type) errors.push(`${path}: schema says ${schema.type}, sample has ${typeof value}`);
  return errors;
}

const KINDS = [
  { kind: 'KafkaCluster', schema: kafkaClusterSchema, full: fullKafkaCluster, minimal: minimalKafkaCluster, crd: kafkaClusterCrd },
  { kind: 'KafkaTopic', schema: kafkaTopicSchema, full: fullKafkaTopic, minimal: minimalKafkaTopic, crd: kafkaTopicCrd },
] as const;

describe.each(KINDS)('$kind schema and TS type', ({ kind, schema, full, minimal }) => {
  it('have the same fields (walking the schema against the fully populated typed sample)', () => {
    expect(agree(schema, full)).toEqual([]);
  });

  it('agree on required fields for every object in the schema', () => {
    const objectPaths = [...nodes(schema)].filter(([p, s]) => s.type === 'object' && s.properties && p !== 'metadata');
    const fromTypes = Object.fromEntries(
      Object.entries(REQUIRED_KEYS)
        .filter(([k]) => k.startsWith(`${kind}:`))
        .map(([k, v]) => [k.slice(kind.length + 1), [...v].sort()]),
    );
    const fromSchema = Object.fromEntries(
      objectPaths.filter(([p]) => !p.includes('{}')).map(([p, s]) => [p, [...(s.required ?? [])].sort()]),
    );
    expect(fromSchema).toEqual(fromTypes);
  });

  it('agree on enums', () => {
    const fromSchema = Object.fromEntries([...nodes(schema)].filter(([, s]) => s.enum).map(([p, s]) => [p, [...s.enum!].sort()]));
    const fromTypes = Object.fromEntries(
      Object.entries(ENUMS)
        .filter(([k]) => k.startsWith(`${kind}:`))
        .map(([k, v]) => [k.slice(kind.length + 1), [...v].sort()]),
    );
    expect(fromSchema).toEqual(fromTypes);
  });

  it('accepts the full and the minimal samples', () => {
    expect(check(schema, full)).toEqual([]);
    expect(check(schema, minimal)).toEqual([]);
  });

  it('is a structural schema the apiserver accepts', () => {
    for (const [path, s] of nodes(schema)) {
      const inIntOrString = path.endsWith('|');
      if (!s['x-kubernetes-int-or-string'] && !inIntOrString) expect(s.type, `${path} has a type`).toBeDefined();
      if (inIntOrString) expect(s.description, `${path}: no description inside anyOf`).toBeUndefined();
      expect(s.properties && s.additionalProperties, `${path}: properties and additionalProperties exclude each other`).toBeFalsy();
      if (s.type === 'array') expect(s.items, `${path} has items`).toBeDefined();
      if (s['x-kubernetes-list-type'] === 'map') {
        for (const key of s['x-kubernetes-list-map-keys'] ?? []) expect(s.items?.required, `${path}: map key ${key} required`).toContain(key);
      }
      // CEL rules over maps and strings need bounded sizes or the CRD fails the apiserver's cost estimate.
      if (s['x-kubernetes-validations'] && s.additionalProperties) expect(s.maxProperties, `${path} maxProperties`).toBeDefined();
      if (s.pattern) expect(() => new RegExp(s.pattern!)).not.toThrow();
    }
  });
});

describe('schema validation rejects bad objects with the field named', () => {
  const cases: [string, (c: Record<string, any>) => void, string][] = [
    ['zookeeper ensemble of 2', (c) => (c.spec.zookeeper.replicas = 2), 'spec.zookeeper.replicas: Unsupported value 2'],
    ['no brokers', (c) => (c.spec.brokers.replicas = 0), 'spec.brokers.replicas: below 1'],
    ['fractional replicas', (c) => (c.spec.brokers.replicas = 1.5), 'spec.brokers.replicas: must be an integer'],
    ['storage size not a quantity', (c) => (c.spec.brokers.storage.size = '10 GB'), 'spec.brokers.storage.size: does not match'],
    ['missing storage', (c) => delete c.spec.zookeeper.storage, 'spec.zookeeper.storage: Required value'],
    ['listener port out of range', (c) => (c.spec.brokers.listenerPort = 70000), 'spec.brokers.listenerPort: above 65535'],
    ['config value not a string', (c) => (c.spec.brokers.config = { 'num.partitions': 3 }), 'spec.brokers.config[num.partitions]: must be a string'],
    ['unknown spec field', (c) => (c.spec.brokers.replica = 3), 'spec.brokers.replica: unknown field'],
    ['bad pull policy', (c) => (c.spec.ui = { enabled: true, imagePullPolicy: 'Sometimes' }), 'spec.ui.imagePullPolicy: Unsupported value'],
    ['ui without enabled', (c) => (c.spec.ui = {}), 'spec.ui.enabled: Required value'],
    ['bad memory limit', (c) => (c.spec.brokers.resources = { limits: { memory: '1 GiB' } }), 'spec.brokers.resources.limits[memory]: does not match'],
    ['empty image', (c) => (c.spec.brokers.image = ''), 'spec.brokers.image: shorter than 1'],
  ];
  it.each(cases)('KafkaCluster: %s', (_name, mutate, expected) => {
    const c = clone(minimalKafkaCluster) as Record<string, any>;
    mutate(c);
    const errors = check(kafkaClusterSchema, c);
    expect(errors.some((e) => e.startsWith(expected)), errors.join('; ')).toBe(true);
  });

  const topicCases: [string, (t: Record<string, any>) => void, string][] = [
    ['zero partitions', (t) => (t.spec.partitions = 0), 'spec.partitions: below 1'],
    ['illegal topic name', (t) => (t.spec.topicName = 'a/b'), 'spec.topicName: does not match'],
    ['topic name too long', (t) => (t.spec.topicName = 'x'.repeat(250)), 'spec.topicName: longer than 249'],
    ['missing replicationFactor', (t) => delete t.spec.replicationFactor, 'spec.replicationFactor: Required value'],
    ['duplicate condition type', (t) => (t.status = { conditions: [fullKafkaTopic.status.conditions[0], fullKafkaTopic.status.conditions[0]] }), 'status.conditions: Duplicate value'],
    ['bad condition status', (t) => (t.status = { conditions: [{ ...fullKafkaTopic.status.conditions[0], status: 'Yes' }] }), 'status.conditions[0].status: Unsupported value'],
  ];
  it.each(topicCases)('KafkaTopic: %s', (_name, mutate, expected) => {
    const t = clone(minimalKafkaTopic) as Record<string, any>;
    mutate(t);
    const errors = check(kafkaTopicSchema, t);
    expect(errors.some((e) => e.startsWith(expected)), errors.join('; ')).toBe(true);
  });

  it('accepts every Kubernetes quantity form and rejects others', () => {
    const re = new RegExp(QUANTITY_PATTERN);
    for (const q of ['1', '10Gi', '1.5Ti', '500m', '1e3', '2E6', '0.5', '.5G', '100M', '1Ki']) expect(re.test(q), q).toBe(true);
    for (const q of ['', 'Gi', '10 Gi', '10GB', '1.2.3', '10gi', 'ten']) expect(re.test(q), q).toBe(false);
  });
});

describe('CRD definitions', () => {
  it('crds/*.yaml are the rendering of crd-schema.ts (run node operator/dist/api/render-crds.js after a change)', () => {
    for (const { file, crd } of CRD_FILES) {
      const text = readFileSync(join(crdsDir(), file), 'utf8');
      expect(text, file).toBe(renderCrdYaml(crd));
      expect(yaml.load(text)).toEqual(crd);
    }
  });

  it.each([
    [kafkaClusterCrd, 'kafkaclusters', 'kc'],
    [kafkaTopicCrd, 'kafkatopics', 'kt'],
  ] as const)('%#: names, version, status subresource', (crd, plural, shortName) => {
    expect(crd.metadata.name).toBe(`${plural}.${GROUP}`);
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.names.plural).toBe(plural);
    expect(crd.spec.names.shortNames).toEqual([shortName]);
    expect(crd.spec.names.categories).toEqual(['kafka']);
    expect(crd.spec.versions).toHaveLength(1);
    const v = crd.spec.versions[0]!;
    expect(v).toMatchObject({ name: VERSION, served: true, storage: true });
    expect(v.subresources.status).toEqual({});
  });

  it('printer columns point at fields the schema has', () => {
    for (const { crd } of CRD_FILES) {
      const v = crd.spec.versions[0]!;
      const names = v.additionalPrinterColumns.map((c) => c.name);
      expect(names).toContain('Ready');
      expect(names).toContain('Age');
      for (const col of v.additionalPrinterColumns) {
        if (col.jsonPath.startsWith('.metadata')) continue;
        const path = col.jsonPath.replace(/\[\?\(@\.type=="(\w+)"\)\]/, '[]').slice(1);
        const known = new Set([...nodes(v.schema.openAPIV3Schema)].map(([p]) => p));
        expect(known.has(path), `${col.name}: ${col.jsonPath}`).toBe(true);
      }
    }
    const cluster = kafkaClusterCrd.spec.versions[0]!.additionalPrinterColumns;
    expect(cluster.find((c) => c.name === 'Brokers')?.jsonPath).toBe('.spec.brokers.replicas');
    expect(cluster.find((c) => c.name === 'Ready Brokers')?.jsonPath).toBe('.status.readyBrokers');
    const topic = kafkaTopicCrd.spec.versions[0]!.additionalPrinterColumns;
    expect(topic.find((c) => c.name === 'Cluster')?.jsonPath).toBe(`.metadata.labels.${CLUSTER_LABEL.replace(/\./g, '\\.')}`);
  });

  it('carries the CEL rules for fields that may not change or only grow', () => {
    const rules = (schema: JSONSchemaProps, path: string): string[] =>
      ([...nodes(schema)].find(([p]) => p === path)?.[1]['x-kubernetes-validations'] ?? []).map((r) => r.rule);
    for (const part of ['brokers', 'zookeeper']) {
      expect(rules(kafkaClusterSchema, `spec.${part}.storage`)).toContain(
        '!isQuantity(self.size) || !isQuantity(oldSelf.size) || quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0',
      );
    }
    expect(rules(kafkaClusterSchema, 'spec.zookeeper.replicas')).toEqual(['self == oldSelf']);
    expect(rules(kafkaTopicSchema, 'spec.partitions')).toEqual(['self >= oldSelf']);
    expect(rules(kafkaTopicSchema, 'spec.replicationFactor')).toEqual(['self == oldSelf']);
    const owned = rules(kafkaClusterSchema, 'spec.brokers.config')[0]!;
    for (const key of OPERATOR_OWNED_BROKER_CONFIG_KEYS) expect(owned).toContain(`'${key}'`);
    const topicKeys = rules(kafkaTopicSchema, 'spec.config')[0]!;
    for (const key of TOPIC_CONFIG_KEYS) expect(topicKeys).toContain(`'${key}'`);
    // A rule with oldSelf is a transition rule; every rule here must either use oldSelf or hold on create.
    for (const [, s] of [...nodes(kafkaClusterSchema), ...nodes(kafkaTopicSchema)]) {
      for (const r of s['x-kubernetes-validations'] ?? []) expect(r.message.length).toBeGreaterThan(0);
    }
  });
});
