export * from "./binner";
export * from "./flat-tree";
export * from "./grow";
