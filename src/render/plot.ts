// plot: line and bar charts as Vega-Lite specs, with the same chart rendered to SVG in Node.
import type { TopLevelSpec } from "vega-lite";
import { displaySymbol, type Displayable, type MimeBundle, type TensorView } from "./mime.js";

/** Raised when a chart's data do not fit together (series of different lengths, an empty range). */
export class PlotError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "PlotError";
}

/** Numbers for a chart: an array, a typed array, or a tensor (its values in row-major order). */
export type Numbers = ArrayLike<number> | TensorView;

/** What every chart accepts. */
export interface ChartOptions {
  /** A title above the chart. */
  title?: string;
  /** The x axis title. */
  xLabel?: string;
  /** The y axis title. */
  yLabel?: string;
  /** A logarithmic x axis (points with x ≤ 0 are left out). */
  logX?: boolean;
  /** A logarithmic y axis (points with y ≤ 0 are left out). */
  logY?: boolean;
  /** Plot size in pixels (default 480 × 280). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

/** Data for {@link plot.line}: one x array and one y array per series. */
export interface LineChartOptions extends ChartOptions {
  /** The x coordinates, shared by every series. */
  x: Numbers;
  /** One series, or several by name: `{ jacrev: [...], jacfwd: [...] }`. */
  y: Numbers | Record<string, Numbers>;
  /** Mark each data point (default: when there are at most 30 per series). */
  points?: boolean;
  /** Start a linear y axis at zero (default true; false fits the axis to the data). */
  yFromZero?: boolean;
}

/** Data for {@link plot.bar}: one bar per label, grouped when there are several series. */
export interface BarChartOptions extends ChartOptions {
  /** The label under each bar (or group of bars). */
  labels: readonly string[];
  /** One value per label, or several series by name, drawn side by side. */
  values: Numbers | Record<string, Numbers>;
}

/** Options for {@link plot.fn}. */
export interface FunctionChartOptions extends ChartOptions {
  /** How many points to sample evenly over the interval (default 200). */
  samples?: number;
}

/** A scalar function to sample: it may return a number or a one-element tensor. */
export type ScalarFunction = (x: number) =>
  | number
  | {
      /** The value of a one-element tensor. */
      item(): number;
    };

/**
 * A Vega-Lite v5 specification. Typed loosely on purpose: naming vega-lite's own types in the public API
 * would make every type-checked notebook cell load vega-lite's typings.
 */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * A chart that shows itself in a notebook: Vega-Lite for JupyterLab, the same chart as SVG for
 * clients that cannot run Vega, and a one-line text description.
 */
export class Chart implements Displayable {
  #svg?: Promise<string>;

  /** The Vega-Lite (v5) specification, data inlined. */
  readonly spec: VegaLiteSpec;
  /** One line saying what the chart shows (its text/plain). */
  readonly description: string;

  constructor(spec: VegaLiteSpec, description: string) {
    this.spec = spec;
    this.description = description;
  }

  /** The chart rendered headless by Vega to an SVG document (computed once). */
  toSVG(): Promise<string> {
    this.#svg ??= renderSvg(this.spec);
    return this.#svg;
  }

  /** The one-line description. */
  toString(): string {
    return this.description;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.description;
  }

  /** The chart's MIME bundle: Vega-Lite, SVG and a text description. */
  async [displaySymbol](): Promise<MimeBundle> {
    return {
      "application/vnd.vegalite.v5+json": this.spec,
      "image/svg+xml": await this.toSVG(),
      "text/plain": this.description,
    };
  }
}

async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on first use: Vega is large and most programs that import jaclab draw no chart.
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  // Vega tags the data rows it loads, so it gets a copy and the spec stays as the user sees it.
  const view = new vega.View(
    vega.parse(vegaLite.compile(structuredClone(spec) as unknown as TopLevelSpec).spec),
    { renderer: "none" },
  );
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function numbers(values: Numbers): number[] {
  return Array.from("shape" in values && "data" in values ? values.data : (values as ArrayLike<number>));
}

function isSingleSeries(y: Numbers | Record<string, Numbers>): y is Numbers {
  return "length" in y || ("shape" in y && "data" in y);
}

function namedSeries(y: Numbers | Record<string, Numbers>, fallback: string): [string, number[]][] {
  if (isSingleSeries(y)) return [[fallback, numbers(y)]];
  return Object.entries(y).map(([name, values]) => [name, numbers(values)]);
}

function axis(
  field: string,
  label: string | undefined,
  log: boolean | undefined,
  type = "quantitative",
  zero = true,
) {
  const scale = log ? { scale: { type: "log" } } : zero ? {} : { scale: { zero: false } };
  return { field, type, ...(label !== undefined ? { title: label } : {}), ...scale };
}

function frame(opts: ChartOptions): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 480,
    height: opts.height ?? 280,
  };
}

/** Keeps the points a chart can draw: finite, and positive on a logarithmic axis. */
function drawable(v: number, log: boolean | undefined): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

/**
 * A line chart of one or more series over shared x values.
 *
 * @example plot.line({ x: sizes, y: { jacrev: revMs, jacfwd: fwdMs }, xLabel: "n", yLabel: "ms", logY: true })
 */
function line(opts: LineChartOptions): Chart {
  const x = numbers(opts.x);
  const series = namedSeries(opts.y, opts.yLabel ?? "y");
  const rows: { x: number; y: number; series: string }[] = [];
  for (const [name, y] of series) {
    if (y.length !== x.length) {
      throw new PlotError(`plot.line: series "${name}" has ${y.length} values but x has ${x.length}`);
    }
    y.forEach((v, i) => {
      if (drawable(x[i], opts.logX) && drawable(v, opts.logY)) rows.push({ x: x[i], y: v, series: name });
    });
  }
  const several = series.length > 1;
  const spec = {
    ...frame(opts),
    data: { values: rows },
    mark: { type: "line", point: opts.points ?? x.length <= 30 },
    encoding: {
      x: axis("x", opts.xLabel ?? "x", opts.logX, "quantitative", false),
      y: axis(
        "y",
        opts.yLabel ?? (several ? "value" : "y"),
        opts.logY,
        "quantitative",
        opts.yFromZero ?? true,
      ),
      ...(several ? { color: { field: "series", type: "nominal", title: null, sort: null } } : {}),
    },
  };
  const names = several ? ` (${series.map(([name]) => name).join(", ")})` : "";
  return new Chart(
    spec as VegaLiteSpec,
    `Line chart${titled(opts)}: ${series.length} series${names} × ${plural(x.length, "point")}`,
  );
}

/**
 * A bar chart with one bar per label, or side-by-side bars per label for several series.
 *
 * @example plot.bar({ labels: ["loop", "jacrev"], values: [12.1, 0.8], yLabel: "ms" })
 */
function bar(opts: BarChartOptions): Chart {
  const series = namedSeries(opts.values, opts.yLabel ?? "value");
  const rows: { label: string; value: number; series: string }[] = [];
  for (const [name, values] of series) {
    if (values.length !== opts.labels.length) {
      throw new PlotError(
        `plot.bar: series "${name}" has ${values.length} values but there are ${opts.labels.length} labels`,
      );
    }
    values.forEach((v, i) => {
      if (drawable(v, opts.logY)) rows.push({ label: opts.labels[i], value: v, series: name });
    });
  }
  const several = series.length > 1;
  const spec = {
    ...frame(opts),
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { ...axis("label", opts.xLabel ?? "", false, "nominal"), sort: null, axis: { labelAngle: 0 } },
      y: axis("value", opts.yLabel ?? "value", opts.logY),
      ...(several
        ? {
            color: { field: "series", type: "nominal", title: null, sort: null },
            xOffset: { field: "series", sort: null },
          }
        : {}),
    },
  };
  return new Chart(
    spec as VegaLiteSpec,
    `Bar chart${titled(opts)}: ${plural(opts.labels.length, "bar")}${several ? ` × ${series.length} series` : ""}`,
  );
}

/**
 * The graph of a scalar function (or of several, by name) sampled evenly over `[a, b]`.
 *
 * @example plot.fn({ sin: Math.sin, "d/dx sin": grad((x) => sin(x)) }, [0, 6.28])
 */
function fn(
  f: ScalarFunction | Record<string, ScalarFunction>,
  [a, b]: readonly [number, number],
  opts: FunctionChartOptions = {},
): Chart {
  const samples = opts.samples ?? 200;
  if (!(b > a) || !(samples >= 2)) {
    throw new PlotError(`plot.fn: needs a < b and at least 2 samples, got [${a}, ${b}] and ${samples}`);
  }
  const x = Array.from({ length: samples }, (_, i) => a + ((b - a) * i) / (samples - 1));
  const functions = typeof f === "function" ? { [opts.yLabel ?? "f(x)"]: f } : f;
  const y: Record<string, number[]> = {};
  for (const [name, g] of Object.entries(functions)) {
    y[name] = x.map((xi) => {
      const value = g(xi);
      return typeof value === "number" ? value : value.item();
    });
  }
  return line({
    yFromZero: false,
    ...opts,
    x,
    y,
    points: false,
    yLabel: opts.yLabel ?? (typeof f === "function" ? "f(x)" : "value"),
  });
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function titled(opts: ChartOptions): string {
  return opts.title ? ` "${opts.title}"` : "";
}

/** Charts for notebooks: `plot.line`, `plot.bar` and `plot.fn`, each returning a displayable {@link Chart}. */
export const plot = {
  /** A line chart of one or several series over shared x values; see {@link LineChartOptions}. */
  line,
  /** A bar chart, one bar per label, grouped when there are several series; see {@link BarChartOptions}. */
  bar,
  /** The graph of one or several scalar functions sampled over an interval. */
  fn,
};
