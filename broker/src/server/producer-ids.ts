import type { MetadataStore } from '../metadata/store.js';

const BLOCK_SIZE = 1000;

/**
 * Hands out producer ids from blocks reserved in the metadata store, as Kafka's ProducerIdManager does
 * with /latest_producer_id_block: ids stay unique across restarts and brokers, and the store is touched
 * once per thousand producers.
 */
export class ProducerIdManager {
  private next = 0;
  private end = 0;
  private pending: Promise<void> | null = null;

  constructor(private readonly metadata: MetadataStore) {}

  async nextId(): Promise<number> {
    while (this.next >= this.end) {
      this.pending ??= this.metadata.allocateProducerIds(BLOCK_SIZE).then(
        (first) => {
          this.next = first;
          this.end = first + BLOCK_SIZE;
          this.pending = null;
        },
        (err: unknown) => {
          this.pending = null;
          throw err;
        },
      );
      await this.pending;
    }
    return this.next++;
  }
}
