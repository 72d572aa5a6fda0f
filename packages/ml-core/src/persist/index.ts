export { encode, decode } from "./codec";
