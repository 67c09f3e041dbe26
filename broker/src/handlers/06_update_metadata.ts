/**
 * UpdateMetadata (key 6), v0-v8, from the controller only (ZooKeeper mode). Carries every live broker and
 * the partition states that changed; applied to the MetadataCache, which is what Metadata, FindCoordinator
 * and the replicas read. A request from a deposed controller (older controller epoch) gets
 * STALE_CONTROLLER_EPOCH; one addressed to an earlier incarnation of this broker (v5+ broker epoch)
 * gets STALE_BROKER_EPOCH, as in Kafka. In single-node mode there is no controller: the API is not served.
 */
import type { Handler } from './context.js';
import type { UpdateMetadataRequest, UpdateMetadataResponse } from '../protocol/messages/06_update_metadata.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleUpdateMetadata: Handler<UpdateMetadataRequest, UpdateMetadataResponse> = (req, ctx) => {
  const cluster = ctx.services.cluster;
  if (!cluster) return { errorCode: ErrorCode.UNSUPPORTED_VERSION };
  if (req.controllerEpoch < cluster.cache.controllerEpoch()) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH };
  if (ctx.apiVersion >= 5 && req.brokerEpoch !== -1 && req.brokerEpoch < cluster.brokerEpoch()) {
    return { errorCode: ErrorCode.STALE_BROKER_EPOCH };
  }
  cluster.store.applyUpdateMetadata(req, ctx.apiVersion);
  return { errorCode: ErrorCode.NONE };
};
