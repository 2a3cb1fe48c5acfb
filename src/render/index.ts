// Renderers of tensors, Jacobians, charts and progress as MIME bundles: the render part of the public API.
export * from "./mime.js";
export { tensorBundle, type TensorBundleOptions, type TensorFormat } from "./tensor.js";
export { tensorText, type TensorTextOptions } from "./text.js";
export { TensorViewError } from "./view.js";
export { showJacobian, LabelError, type ShowJacobianOptions } from "./jacobian.js";
export {
  createProgress,
  progress,
  type Progress,
  type ProgressOptions,
  type ProgressLoopOptions,
} from "./progress.js";
export {
  plot,
  Chart,
  PlotError,
  type ChartOptions,
  type LineChartOptions,
  type BarChartOptions,
  type FunctionChartOptions,
  type Numbers,
  type ScalarFunction,
  type VegaLiteSpec,
} from "./plot.js";
