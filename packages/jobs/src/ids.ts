import { randomUUID } from "node:crypto";

/** The kinds of public id the service hands out: `model-…`, `study-…`, `dataset-…`. */
export type IdPrefix = "model" | "study" | "dataset";

const HEX16 = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new public id with a readable prefix and 16 hex digits: `model-3f2a…`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

/** Whether `id` has the form `newId(prefix)` gives (checked before any row or file is touched). */
export function isId(prefix: IdPrefix, id: string): boolean {
  return id.startsWith(`${prefix}-`) && HEX16.test(id.slice(prefix.length + 1));
}

/** Whether `id` has the form of a model id. */
export function isModelId(id: string): boolean {
  return isId("model", id);
}

/** Whether `s` is a lower-case RFC 4122 uuid, as `randomUUID` gives. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
