import { camelCase, inVersions } from '../protocol/codec.js';
/**
 * Builds the response Kafka's `getErrorResponse` would send when a whole request fails: the error code in
 * every errorCode field, mirroring the request's topics/partitions/groups so the client can tell which of
 * its items failed. Fields left undefined are encoded as their defaults.
 */
export function errorResponseFor(api, version, request, code, message) {
    return mirror(api.response.fields, version, api.response, request, code, message);
}
const ALIASES = {
    partitionIndex: ['partitionIndex', 'partition', 'index'],
    index: ['index', 'partitionIndex', 'partition'],
    partition: ['partition', 'partitionIndex', 'index'],
    name: ['name', 'topic', 'groupId'],
    topic: ['topic', 'name'],
    groupId: ['groupId', 'name'],
};
function structFields(f, spec) {
    if (f.fields)
        return f.fields;
    const typeName = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    return spec.commonStructs?.find((s) => s.name === typeName)?.fields;
}
function mirror(fields, version, spec, source, code, message) {
    const src = (source && typeof source === 'object' ? source : {});
    const out = {};
    const srcArrays = Object.entries(src).filter(([, v]) => Array.isArray(v));
    const respArrays = fields.filter((f) => f.type.startsWith('[]') && structFields(f, spec) && inVersions(f.versions, version));
    for (const f of fields) {
        if (!inVersions(f.versions, version))
            continue;
        const key = camelCase(f.name);
        if (f.name === 'ErrorCode') {
            out[key] = code;
            continue;
        }
        if (f.name === 'ErrorMessage') {
            out[key] = message;
            continue;
        }
        const sub = structFields(f, spec);
        if (f.type.startsWith('[]') && sub) {
            let items = src[key];
            if (!Array.isArray(items) && respArrays.length === 1 && srcArrays.length === 1)
                items = srcArrays[0][1];
            if (Array.isArray(items)) {
                out[key] = items.map((item) => {
                    if (item !== null && typeof item === 'object')
                        return mirror(sub, version, spec, item, code, message);
                    // A request listing bare names (DeleteTopics v0-5, DescribeGroups): the name is the item.
                    const named = { name: item, groupId: item, topic: item };
                    return mirror(sub, version, spec, named, code, message);
                });
            }
            continue;
        }
        for (const alias of ALIASES[key] ?? [key]) {
            const v = src[alias];
            if (v !== undefined && typeof v !== 'object') {
                out[key] = v;
                break;
            }
        }
    }
    return out;
}
//# sourceMappingURL=error-response.js.map