/**
 * The schema DSL: a TypeScript transcription of Kafka's own JSON message specs
 * (clients/src/main/resources/common/message/*.json), kept literal so a schema can be checked against the
 * upstream file line by line. Field names stay PascalCase here, as upstream; the codec exposes them in
 * camelCase (`PartitionIndex` -> `partitionIndex`) on decoded objects.
 *
 * Version strings follow Kafka's syntax: "3+", "0-4", "5", "none".
 * Types: bool, int8, int16, uint16, int32, int64, float64, string, uuid, bytes, records,
 * "[]<type>" (array of a primitive), "[]<StructName>" or "<StructName>" with inline `fields`, or a name from
 * `commonStructs`.
 */
export interface FieldSpec {
  readonly name: string;
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Kafka's default, as in the JSON: a number/boolean/string literal, "null", or the JSON string form of an int64. */
  readonly default?: string | number | boolean;
  readonly ignorable?: boolean;
  /** "none" for strings that are never compact (the request header's ClientId). */
  readonly flexibleVersions?: string;
  readonly fields?: readonly FieldSpec[];
}

export interface StructSpec {
  readonly name: string;
  readonly versions: string;
  readonly fields: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly apiKey?: number;
  readonly type: 'request' | 'response' | 'header' | 'data';
  readonly name: string;
  /** Every version Kafka defines for this message (what we accept is narrowed in apis.ts). */
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
  readonly commonStructs?: readonly StructSpec[];
}
