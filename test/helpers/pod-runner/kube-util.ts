// Small client-node helpers for the test pod runner.
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** The HTTP status of a client-node API error, if it is one. */
export function httpStatusOf(e: unknown): number | undefined {
  if (e instanceof ApiException) return e.code;
  const code = (e as { statusCode?: unknown } | null)?.statusCode ?? (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A short, single-line description of an API error (status and the Status message when there is one). */
export function describeError(e: unknown): string {
  const status = httpStatusOf(e);
  const body = (e as { body?: unknown } | null)?.body;
  let msg = e instanceof Error ? e.message : String(e);
  if (typeof body === 'string') {
    try {
      msg = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      msg = body;
    }
  } else if (body && typeof body === 'object' && 'message' in body) {
    msg = String((body as { message: unknown }).message);
  }
  return `${status !== undefined ? `HTTP ${status}: ` : ''}${msg.split('\n')[0]!.slice(0, 500)}`;
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
