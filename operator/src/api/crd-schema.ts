// Source of truth for crds/*.yaml (written by render-crds.ts). Kept in TypeScript so the schemas can reuse
// the operator's own lists (owned broker keys, topic config keys, the quantity pattern) and so
// operator/test/api-crd-types.test.ts can walk them against the TS types in types.ts.
//
// No `default:` anywhere: defaults live in defaults.ts (see there for why). CEL rules (x-kubernetes-
// validations) carry what OpenAPI cannot express: transition rules (oldSelf) and map key checks. Every
// string and map a rule iterates has a maxLength/maxProperties so the apiserver's CEL cost estimate stays
// within its budget (unbounded inputs make a CRD with such rules fail to install).
import { QUANTITY_PATTERN } from './quantity.js';
import {
  CLUSTER_LABEL,
  GROUP,
  KAFKA_CLUSTER_KIND,
  KAFKA_CLUSTER_PLURAL,
  KAFKA_TOPIC_KIND,
  KAFKA_TOPIC_PLURAL,
  VERSION,
} from './types.js';
import { MAX_TOPIC_NAME_LENGTH, OPERATOR_OWNED_BROKER_CONFIG_KEYS, TOPIC_CONFIG_KEYS, TOPIC_NAME_PATTERN } from './validate.js';

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps used here, with the wire (YAML) field names. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  required?: string[];
  items?: JSONSchemaProps;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  format?: string;
  anyOf?: JSONSchemaProps[];
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

export interface ValidationRule {
  rule: string;
  message: string;
  /** Relative JSON path of the field the error is reported on. */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: 'Namespaced';
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources: {
        status: Record<string, never>;
        scale?: { specReplicasPath: string; statusReplicasPath: string };
      };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

/** A CEL list literal of strings. */
function celList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

const str = (description: string, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({ type: 'string', description, ...extra });

const imagePullPolicy: JSONSchemaProps = str('Image pull policy of the containers (default IfNotPresent).', {
  enum: ['Always', 'IfNotPresent', 'Never'],
});

const quantityValue: JSONSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern: QUANTITY_PATTERN,
  'x-kubernetes-int-or-string': true,
};

/** corev1.ResourceRequirements, as Kubernetes' own CRD generators render it. */
const resources: JSONSchemaProps = {
  type: 'object',
  description: 'CPU and memory requests and limits of the containers (corev1.ResourceRequirements).',
  properties: {
    claims: {
      type: 'array',
      description: 'Dynamic resource claims used by the containers.',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str('Name of an entry in the pod spec resourceClaims.'),
          request: str('Name of a request in the claim.'),
        },
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    limits: { type: 'object', description: 'Maximum amounts of compute resources.', additionalProperties: quantityValue },
    requests: { type: 'object', description: 'Minimum amounts of compute resources.', additionalProperties: quantityValue },
  },
};

function storage(what: string): JSONSchemaProps {
  return {
    type: 'object',
    description: `Persistent volume of each ${what} pod (one PVC per pod).`,
    required: ['size'],
    properties: {
      size: str('Size of each volume, a Kubernetes quantity such as 10Gi. May only grow.', {
        pattern: QUANTITY_PATTERN,
        maxLength: 64,
      }),
      storageClassName: str('StorageClass of the volumes; the cluster default when unset. Immutable.', { maxLength: 253 }),
    },
    'x-kubernetes-validations': [
      {
        rule: "!isQuantity(self.size) || quantity(self.size).isGreaterThan(quantity('0'))",
        message: 'size must be greater than zero',
        fieldPath: '.size',
      },
      {
        // Shrinking a PersistentVolumeClaim is not possible in Kubernetes.
        rule: '!isQuantity(self.size) || !isQuantity(oldSelf.size) || quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0',
        message: 'size may only grow',
        fieldPath: '.size',
      },
      {
        // StatefulSet volumeClaimTemplates are immutable, existing PVCs keep their class.
        rule: "(has(self.storageClassName) ? self.storageClassName : '') == (has(oldSelf.storageClassName) ? oldSelf.storageClassName : '')",
        message: 'storageClassName is immutable',
        fieldPath: '.storageClassName',
      },
    ],
  };
}

const image = (what: string): JSONSchemaProps => str(`Container image of ${what}.`, { minLength: 1, maxLength: 512 });

const immutable = (message: string): ValidationRule[] => [{ rule: 'self == oldSelf', message }];

const conditions: JSONSchemaProps = {
  type: 'array',
  description: 'Ready, Reconciling and Warning conditions (metav1.Condition shape).',
  items: {
    type: 'object',
    required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    properties: {
      type: str('Condition type.', { enum: ['Ready', 'Reconciling', 'Warning'] }),
      status: str('Condition status.', { enum: ['True', 'False', 'Unknown'] }),
      reason: str('CamelCase machine-readable reason.', { maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
      message: str('Human-readable details.', { maxLength: 32768 }),
      lastTransitionTime: str('When the status last changed.', { format: 'date-time' }),
      observedGeneration: { type: 'integer', description: 'metadata.generation the condition was computed for.', minimum: 0 },
    },
  },
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
};

const observedGeneration: JSONSchemaProps = {
  type: 'integer',
  description: 'metadata.generation of the last spec the operator acted on.',
  minimum: 0,
};

export const kafkaClusterSchema: JSONSchemaProps = {
  type: 'object',
  description: 'A Kafka cluster of Gregor brokers with its ZooKeeper ensemble.',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['brokers', 'zookeeper'],
      properties: {
        brokers: {
          type: 'object',
          description: 'The broker StatefulSet.',
          required: ['replicas', 'storage'],
          properties: {
            replicas: {
              type: 'integer',
              description: 'Number of brokers; broker.id is the pod ordinal. Scale-down moves replicas off the leaving brokers first.',
              minimum: 1,
              // Kafka reserves ids above reserved.broker.max.id (1000) for generated ids.
              maximum: 1000,
            },
            image: image('the brokers'),
            imagePullPolicy,
            resources,
            storage: storage('broker'),
            config: {
              type: 'object',
              description: 'server.properties overrides. Keys the operator sets (broker.id, listeners, log.dirs, ...) are rejected.',
              additionalProperties: { type: 'string', maxLength: 4096 },
              maxProperties: 256,
              'x-kubernetes-validations': [
                {
                  rule: `!self.exists(k, k in ${celList(OPERATOR_OWNED_BROKER_CONFIG_KEYS)})`,
                  message: `must not set keys owned by the operator: ${OPERATOR_OWNED_BROKER_CONFIG_KEYS.join(', ')}`,
                },
              ],
            },
            listenerPort: { type: 'integer', description: 'Port of the Kafka listener (default 9092).', minimum: 1, maximum: 65535 },
            rack: {
              type: 'object',
              description: 'Rack awareness: broker.rack is taken from this label of the node a broker runs on.',
              required: ['topologyKey'],
              properties: {
                topologyKey: str('Node label key, e.g. topology.kubernetes.io/zone.', { minLength: 1, maxLength: 317 }),
              },
            },
          },
        },
        zookeeper: {
          type: 'object',
          description: 'The ZooKeeper ensemble (official zookeeper image).',
          required: ['replicas', 'storage'],
          properties: {
            replicas: {
              type: 'integer',
              description: 'Ensemble size. Immutable: changing it needs a quorum reconfiguration.',
              enum: [1, 3, 5],
              'x-kubernetes-validations': immutable('zookeeper.replicas is immutable'),
            },
            image: image('ZooKeeper'),
            imagePullPolicy,
            resources,
            storage: storage('ZooKeeper'),
          },
        },
        ui: {
          type: 'object',
          description: 'Optional Kafka-UI (kafbat) Deployment and Service pointed at the bootstrap service.',
          required: ['enabled'],
          properties: {
            enabled: { type: 'boolean', description: 'Run the UI.' },
            image: image('Kafka-UI'),
            imagePullPolicy,
            resources,
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        observedGeneration,
        conditions,
        bootstrapServers: str('host:port of the bootstrap Service.'),
        zookeeperConnect: str('ZooKeeper connection string used by the brokers.'),
        readyBrokers: { type: 'integer', description: 'Broker pods that are ready.', minimum: 0 },
        brokerIds: {
          type: 'array',
          description: 'Broker ids registered in ZooKeeper.',
          items: { type: 'integer', minimum: 0 },
          'x-kubernetes-list-type': 'set',
        },
        balancedBrokerIds: {
          type: 'array',
          description: 'Broker ids the partitions were last balanced over; when the brokers change, partitions are reassigned.',
          items: { type: 'integer', minimum: 0 },
          'x-kubernetes-list-type': 'set',
        },
        reassignment: {
          type: 'object',
          description: 'Partition reassignment the operator started to scale the brokers up or down.',
          required: ['inProgress', 'reason', 'partitionsMoved', 'partitionsTotal'],
          properties: {
            inProgress: { type: 'boolean', description: 'Replicas are still being moved.' },
            reason: { type: 'string', enum: ['ScaleUp', 'ScaleDown'], description: 'Why partitions are moving.' },
            partitionsMoved: { type: 'integer', minimum: 0, description: 'Partitions whose move has completed.' },
            partitionsTotal: { type: 'integer', minimum: 0, description: 'Partitions the reassignment moves.' },
            targetBrokerIds: {
              type: 'array',
              description: 'Brokers the partitions are spread over once it completes.',
              items: { type: 'integer', minimum: 0 },
              'x-kubernetes-list-type': 'set',
            },
            startedAt: str('RFC 3339 time the reassignment was submitted.'),
          },
        },
        roll: {
          type: 'object',
          description: 'Rolling restart of brokers whose pods run an outdated config or image.',
          required: ['pendingBrokers'],
          properties: {
            pendingBrokers: {
              type: 'array',
              description: 'Broker ids still to restart.',
              items: { type: 'integer', minimum: 0 },
              'x-kubernetes-list-type': 'set',
            },
            restartingBroker: { type: 'integer', minimum: 0, description: 'The broker being restarted now.' },
            message: str('What the roll is waiting for, e.g. a partition that would fall below min.insync.replicas.'),
          },
        },
      },
    },
  },
};

export const kafkaTopicSchema: JSONSchemaProps = {
  type: 'object',
  description: `A Kafka topic of the KafkaCluster named by the ${CLUSTER_LABEL} label.`,
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['partitions', 'replicationFactor'],
      properties: {
        topicName: str('Kafka topic name when it differs from metadata.name (e.g. contains _ or capitals). Immutable.', {
          minLength: 1,
          maxLength: MAX_TOPIC_NAME_LENGTH,
          pattern: TOPIC_NAME_PATTERN,
        }),
        partitions: {
          type: 'integer',
          description: 'Number of partitions; may only grow.',
          minimum: 1,
          maximum: 100000,
          'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'partitions may not decrease' }],
        },
        replicationFactor: {
          type: 'integer',
          description: 'Replicas per partition. Immutable.',
          minimum: 1,
          maximum: 1000,
          'x-kubernetes-validations': immutable('replicationFactor is immutable'),
        },
        config: {
          type: 'object',
          description: 'Topic configs (retention.ms, cleanup.policy, ...), altered incrementally.',
          additionalProperties: { type: 'string', maxLength: 4096 },
          maxProperties: 64,
          'x-kubernetes-validations': [
            {
              rule: `self.all(k, k in ${celList(TOPIC_CONFIG_KEYS)})`,
              message: 'keys must be Kafka topic configs (e.g. retention.ms, cleanup.policy, min.insync.replicas)',
            },
          ],
        },
      },
      'x-kubernetes-validations': [
        {
          // Renaming would delete one topic and create another; that is a new KafkaTopic, not an edit.
          rule: 'has(self.topicName) == has(oldSelf.topicName) && (!has(self.topicName) || self.topicName == oldSelf.topicName)',
          message: 'topicName is immutable',
          fieldPath: '.topicName',
        },
      ],
    },
    status: {
      type: 'object',
      properties: {
        observedGeneration,
        conditions,
        topicId: str('Kafka topic id.'),
        partitions: { type: 'integer', description: 'Partitions the topic has in the cluster.', minimum: 0 },
        replicationFactor: { type: 'integer', description: 'Replication factor the topic has in the cluster.', minimum: 0 },
      },
    },
  },
};

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const reasonColumn: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  priority: 1,
};
const ageColumn: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function crd(
  kind: string,
  plural: string,
  shortName: string,
  schema: JSONSchemaProps,
  columns: PrinterColumn[],
  scale?: { specReplicasPath: string; statusReplicasPath: string },
): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'gregor' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        shortNames: [shortName],
        categories: ['kafka'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {}, ...(scale ? { scale } : {}) },
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}

export const kafkaClusterCrd: CustomResourceDefinition = crd(
  KAFKA_CLUSTER_KIND,
  KAFKA_CLUSTER_PLURAL,
  'kc',
  kafkaClusterSchema,
  [
    readyColumn,
    { name: 'Brokers', type: 'integer', jsonPath: '.spec.brokers.replicas', description: 'Desired brokers' },
    { name: 'Ready Brokers', type: 'integer', jsonPath: '.status.readyBrokers' },
    { name: 'ZooKeeper', type: 'integer', jsonPath: '.spec.zookeeper.replicas', priority: 1 },
    { name: 'Bootstrap', type: 'string', jsonPath: '.status.bootstrapServers', priority: 1 },
    reasonColumn,
    ageColumn,
  ],
  // `kubectl scale kc/NAME --replicas=N` scales the brokers.
  { specReplicasPath: '.spec.brokers.replicas', statusReplicasPath: '.status.readyBrokers' },
);

export const kafkaTopicCrd: CustomResourceDefinition = crd(KAFKA_TOPIC_KIND, KAFKA_TOPIC_PLURAL, 'kt', kafkaTopicSchema, [
  {
    name: 'Cluster',
    type: 'string',
    // Dots in the label key are escaped; the slash needs no escape in kubectl's JSONPath.
    jsonPath: `.metadata.labels.${CLUSTER_LABEL.replace(/\./g, '\\.')}`,
  },
  { name: 'Topic', type: 'string', jsonPath: '.spec.topicName', priority: 1 },
  { name: 'Partitions', type: 'integer', jsonPath: '.spec.partitions' },
  { name: 'Replication', type: 'integer', jsonPath: '.spec.replicationFactor' },
  readyColumn,
  reasonColumn,
  ageColumn,
]);

/** CRD file names under crds/ and their objects, in install order. */
export const CRD_FILES: readonly { file: string; crd: CustomResourceDefinition }[] = [
  { file: 'kafkacluster.yaml', crd: kafkaClusterCrd },
  { file: 'kafkatopic.yaml', crd: kafkaTopicCrd },
];
