export * from "./env";
export * from "./logger";
export * from "./connections";
export * from "./dataset-files";
export * from "./duration";
