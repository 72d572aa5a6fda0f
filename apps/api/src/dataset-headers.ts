import { readCsvHeader, type DatasetFile } from "@mlw/runtime";

/**
 * The header rows of DATA_DIR files, each kept while its file keeps its version (inode, size,
 * mtime, ctime), so that enqueueing on a file already checked reads no bytes of it. At most `max`
 * files, the least recently used dropped first; a file whose header is refused is not kept.
 */
export class DatasetHeaders {
  private readonly headers = new Map<string, { version: string; header: string[] }>();

  /** @param max files kept (default 256). */
  constructor(private readonly max = 256) {}

  /** The header of `file`, read with `readCsvHeader` unless kept for its version. */
  async of(file: DatasetFile): Promise<string[]> {
    const kept = this.headers.get(file.path);
    this.headers.delete(file.path);
    if (kept?.version === file.version) {
      this.headers.set(file.path, kept);
      return kept.header;
    }
    const header = await readCsvHeader(file.path);
    this.headers.set(file.path, { version: file.version, header });
    if (this.headers.size > this.max) this.headers.delete(this.headers.keys().next().value!);
    return header;
  }
}
