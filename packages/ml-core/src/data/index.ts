export * from "./table";
export * from "./read-csv";
export { parseNumber } from "./column-builder";
export { truthValue, isBooleanLike } from "./boolean-like";
