/**
 * The Redis pub/sub channel on which every registry write (API routes, and the worker filing a
 * study's final model) publishes the registered model's name, so that every API process drops
 * what it cached of that name at once.
 * @param prefix QUEUE_PREFIX.
 */
export function registryChangesChannel(prefix: string): string {
  return `${prefix}:registry-changes`;
}
