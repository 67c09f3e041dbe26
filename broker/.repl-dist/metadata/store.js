/** Cluster metadata as the broker sees it, independent of where it is kept (embedded file or ZooKeeper). */
export {};
//# sourceMappingURL=store.js.map