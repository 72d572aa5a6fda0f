export { SVC, svcParams, type SvcParams } from "./svc";
export { KERNELS } from "./kernels";
export { SVM_ALGORITHMS } from "./specs";
