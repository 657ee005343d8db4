// cluster-key-slot ships no types; the one function used here: the Redis Cluster hash slot of a key.
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
