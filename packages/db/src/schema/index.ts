export * from "./models";
export * from "./studies";
