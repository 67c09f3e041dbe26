/**
 * InitProducerId (API key 22), transcribed from Kafka 3.9's InitProducerIdRequest.json / InitProducerIdResponse.json.
 * v2 is the first flexible version; v3 adds ProducerId/ProducerEpoch to the request (resume after
 * INVALID_PRODUCER_EPOCH); v4 allows PRODUCER_FENCED; v5 allows TRANSACTION_ABORTABLE.
 */
import type { MessageSpec } from '../schema.js';

export const InitProducerIdRequestSpec: MessageSpec = {
  apiKey: 22,
  type: 'request',
  name: 'InitProducerIdRequest',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '3+', default: '-1' },
    { name: 'ProducerEpoch', type: 'int16', versions: '3+', default: '-1' },
  ],
};
export const InitProducerIdResponseSpec: MessageSpec = {
  apiKey: 22,
  type: 'response',
  name: 'InitProducerIdResponse',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
  ],
};
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; -1 when absent. */
  producerId: number;
  /** v3+; -1 when absent. */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}
