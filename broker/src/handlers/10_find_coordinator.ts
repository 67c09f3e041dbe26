/**
 * FindCoordinator (key 10), v0-v6. v0-v3 ask for one key (KeyType from v1, group when absent); v4+ batch
 * keys in CoordinatorKeys and answer per key in Coordinators. Group keys (type 0) are answered with this
 * broker, after making sure `__consumer_offsets` exists (Kafka creates it on the first FindCoordinator
 * too, but answers COORDINATOR_NOT_AVAILABLE meanwhile; our creation is synchronous, so we answer at once).
 * Transaction keys (type 1) get COORDINATOR_NOT_AVAILABLE until transactions exist; other types
 * INVALID_REQUEST. Like Kafka, the error message is the error's text, "NONE" on success.
 */
import type { Handler, RequestContext } from './context.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/messages/10_find_coordinator.js';
import { ErrorCode } from '../protocol/errors.js';
import { childLogger } from '../log.js';

const log = childLogger('find-coordinator');

// Kafka's Errors.message() texts for the codes answered here.
const MESSAGES: Record<number, string> = {
  [ErrorCode.NONE]: 'NONE',
  [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'The coordinator is not available.',
  [ErrorCode.INVALID_REQUEST]:
    'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
};

interface Found {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

const NO_NODE = { nodeId: -1, host: '', port: -1 };

async function findOne(keyType: number, ctx: RequestContext): Promise<Found> {
  if (keyType === 1) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
  if (keyType !== 0) return { errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE };
  try {
    await ctx.services.groups.ensureOffsetsTopic();
  } catch (err) {
    log.warn({ err }, 'could not create __consumer_offsets');
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
  }
  const brokerId = ctx.services.config.brokerId;
  const me = ctx.services.metadata.brokers().find((b) => b.id === brokerId);
  const ep = me?.endpoints.find((e) => e.name === ctx.listenerName) ?? me?.endpoints[0];
  if (!ep) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
  return { errorCode: ErrorCode.NONE, nodeId: brokerId, host: ep.host, port: ep.port };
}

export const handleFindCoordinator: Handler<FindCoordinatorRequest, FindCoordinatorResponse> = async (req, ctx) => {
  if (ctx.apiVersion >= 4) {
    const coordinators = await Promise.all(
      req.coordinatorKeys.map(async (key) => {
        const f = await findOne(req.keyType, ctx);
        return { key, ...f, errorMessage: MESSAGES[f.errorCode] ?? null };
      }),
    );
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators };
  }
  const f = await findOne(ctx.apiVersion >= 1 ? req.keyType : 0, ctx);
  return { throttleTimeMs: 0, ...f, errorMessage: MESSAGES[f.errorCode] ?? null, coordinators: [] };
};
