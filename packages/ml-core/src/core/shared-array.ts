/** A typed array of `length` zeros over a SharedArrayBuffer of its own (which worker threads can share). */
export function sharedArray<T>(make: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number }, length: number): T {
  return new make(new SharedArrayBuffer(length * make.BYTES_PER_ELEMENT));
}
