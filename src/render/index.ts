// Renderers of tensors, Jacobians, charts and progress as MIME bundles (filled in by the renderer work).
export * from "./mime.js";
