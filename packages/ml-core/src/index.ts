export * from "./core";
export * from "./registry";
export * as persist from "./persist";
