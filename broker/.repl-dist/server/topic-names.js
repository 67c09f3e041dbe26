import { randomBytes } from 'node:crypto';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
const MAX_NAME_LENGTH = 249;
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
/** Kafka's Topic.validate: the rules every topic-creating path shares. */
export function validateTopicName(name) {
    if (name.length === 0)
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is illegal, it can\'t be empty');
    if (name === '.' || name === '..') {
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."');
    }
    if (name.length > MAX_NAME_LENGTH) {
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, topic name: ${name}`);
    }
    if (!LEGAL_NAME.test(name)) {
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
    }
}
/** Topic ids are random v4-style UUIDs rendered as Kafka does (unpadded base64url). */
export function newTopicId() {
    for (;;) {
        const bytes = randomBytes(16);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const id = bytes.toString('base64url');
        // Kafka reserves the zero UUID and ids starting with '-' (they read like CLI flags).
        if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA')
            return id;
    }
}
//# sourceMappingURL=topic-names.js.map