export * from "./env";
export * from "./logger";
export * from "./catalog";
export * from "./dataset";
export * from "./connections";
export * from "./scoring";
