// The operator's view of its custom resources; other modules import from here rather than from the files.
export * from './types.js';
export * from './defaults.js';
export * from './validate.js';
export * from './quantity.js';
export {
  CRD_FILES,
  kafkaClusterCrd,
  kafkaClusterSchema,
  kafkaTopicCrd,
  kafkaTopicSchema,
  type CustomResourceDefinition,
  type JSONSchemaProps,
  type PrinterColumn,
  type ValidationRule,
} from './crd-schema.js';
