export * from "./target";
export * from "./pipeline";
export { median, readCategory, readNumber } from "./steps";
