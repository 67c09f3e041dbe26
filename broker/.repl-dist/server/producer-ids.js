const BLOCK_SIZE = 1000;
/**
 * Hands out producer ids from blocks reserved in the metadata store, as Kafka's ProducerIdManager does
 * with /latest_producer_id_block: ids stay unique across restarts and brokers, and the store is touched
 * once per thousand producers.
 */
export class ProducerIdManager {
    metadata;
    next = 0;
    end = 0;
    pending = null;
    constructor(metadata) {
        this.metadata = metadata;
    }
    async nextId() {
        while (this.next >= this.end) {
            this.pending ??= this.metadata.allocateProducerIds(BLOCK_SIZE).then((first) => {
                this.next = first;
                this.end = first + BLOCK_SIZE;
                this.pending = null;
            }, (err) => {
                this.pending = null;
                throw err;
            });
            await this.pending;
        }
        return this.next++;
    }
}
//# sourceMappingURL=producer-ids.js.map