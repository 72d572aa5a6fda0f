export * from "./ks-2samp";
export * from "./chi2-contingency";
export * from "./wasserstein";
export * from "./jensen-shannon";
export * from "./psi";
export * from "./profile";
export * from "./report";
