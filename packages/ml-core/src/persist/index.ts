export { encode, decode } from "./codec";
export { saveModel, loadModel, type ModelBundle } from "./model";
