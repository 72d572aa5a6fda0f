export * from "./models";
export * from "./studies";
export * from "./keys";
export * from "./registry";
export * from "./serving";
export * from "./datasets";
