export * from "./target";
export * from "./pipeline";
export { median } from "./steps";
