export * from "./encode-trials";
export * from "./fanova-tree";
export * from "./fanova";
