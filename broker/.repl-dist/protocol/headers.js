/**
 * Request and response headers. Which header version a frame uses depends on whether its
 * (apiKey, apiVersion) is flexible, so the header cannot be decoded by the generic codec alone: the first
 * four bytes (key, version) are peeked to choose it.
 */
import { API_BY_KEY, ApiKey } from './apis.js';
import { isFlexible } from './codec.js';
import { ProtocolError } from './primitives.js';
const CONTROLLED_SHUTDOWN = 7;
/**
 * Header version of a request: 2 for flexible versions, 1 otherwise, 0 for ControlledShutdown v0 (the only
 * request without a client id). Flexibility is decided by the request schema's open-ended
 * flexibleVersions, so a version newer than we support still gets the header the client actually sent.
 */
export function requestHeaderVersion(apiKey, apiVersion) {
    if (apiKey === CONTROLLED_SHUTDOWN && apiVersion === 0)
        return 0;
    const api = API_BY_KEY.get(apiKey);
    if (api !== undefined && isFlexible(api.request, apiVersion))
        return 2;
    return 1;
}
/**
 * Header version of a response: 1 (with tagged fields) for flexible versions, else 0. ApiVersions always
 * answers with v0: a client cannot know the broker's flexibility before this response.
 */
export function responseHeaderVersion(apiKey, apiVersion) {
    if (apiKey === ApiKey.ApiVersions)
        return 0;
    const api = API_BY_KEY.get(apiKey);
    if (api !== undefined && isFlexible(api.response, apiVersion))
        return 1;
    return 0;
}
function skipTaggedFields(r) {
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
        r.uvarint(); // tag: the header defines none we use
        r.skip(r.uvarint());
    }
}
/**
 * Request header v1 (`flexible` false) or v2 (true); a number is taken as the header version itself
 * (0, 1 or 2, as returned by `requestHeaderVersion`). Throws ProtocolError on malformed input.
 */
export function decodeRequestHeader(reader, flexible) {
    const headerVersion = typeof flexible === 'number' ? flexible : flexible ? 2 : 1;
    const apiKey = reader.int16();
    const apiVersion = reader.int16();
    const correlationId = reader.int32();
    if (headerVersion === 0)
        return { apiKey, apiVersion, correlationId, clientId: null, headerVersion };
    // ClientId stays a non-compact int16-length string even in v2 (flexibleVersions "none" in Kafka's spec).
    const clientId = reader.nullableString();
    if (headerVersion >= 2)
        skipTaggedFields(reader);
    return { apiKey, apiVersion, correlationId, clientId, headerVersion };
}
/** Reads a request header choosing its version from the apiKey/apiVersion it starts with. */
export function readRequestHeader(reader) {
    if (reader.remaining < 4)
        throw new ProtocolError(`request header truncated: ${reader.remaining} bytes`);
    const apiKey = reader.buf.readInt16BE(reader.pos);
    const apiVersion = reader.buf.readInt16BE(reader.pos + 2);
    return decodeRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion));
}
/** Response header v0 (correlation id) or v1 (plus an empty tagged-fields section), as its own buffer. */
export function encodeResponseHeader(correlationId, headerVersion) {
    const b = Buffer.allocUnsafe(headerVersion === 1 ? 5 : 4);
    b.writeInt32BE(correlationId, 0);
    if (headerVersion === 1)
        b[4] = 0;
    return b;
}
/** Response header written into a writer (when the body follows in the same writer). */
export function writeResponseHeader(writer, correlationId, headerVersion) {
    writer.int32(correlationId);
    if (headerVersion === 1)
        writer.uvarint(0);
}
/** Request header as a client sends it (for the admin client and tests). */
export function encodeRequestHeader(writer, header) {
    const hv = requestHeaderVersion(header.apiKey, header.apiVersion);
    writer.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
    if (hv === 0)
        return;
    writer.nullableString(header.clientId);
    if (hv === 2)
        writer.uvarint(0);
}
//# sourceMappingURL=headers.js.map