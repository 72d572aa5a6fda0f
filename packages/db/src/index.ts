export * from "./client";
export * from "./schema";
export * from "./artifacts";
export * from "./queries/models";
export * from "./queries/studies";
export * from "./queries/keys";
export * from "./queries/registry";
export * from "./queries/serving";
