export * from "./table";
export * from "./read-csv";
export { parseNumber } from "./column-builder";
export { truthValue, isBooleanLike } from "./boolean-like";
export { CsvProfiler, type CsvProfile, type ColumnProfile, type ProfiledType } from "./csv-profiler";
