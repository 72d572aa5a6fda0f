export * from "./catalog";
export * from "./define-job";
export * from "./failure";
export * from "./ids";
export * from "./job-stopped";
export * from "./job-queues";
export * from "./registry-changes";
export * from "./trial-watch";
