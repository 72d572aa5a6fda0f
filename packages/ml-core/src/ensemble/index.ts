export * from "./random-forest";
export * from "./specs";
export { resolveMaxFeatures, type MaxFeatures } from "./params";
