// The JavaScript peers of the core benchmark: the same MLP Jacobian computed with @jax-js/jax (wasm) and
// @tensorflow/tfjs (cpu), each case returning its Jacobian so the benchmark can check it.
import type * as JaxModule from "@jax-js/jax";
import type * as TfModule from "@tensorflow/tfjs";

/** The benchmark problem: y = W2·tanh(W1·x + b1) + b2 with n×n weights, all row-major. */
export interface MlpProblem {
  n: number;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: Float64Array;
  x: Float64Array;
}

/** One way to compute the Jacobian: `run` computes it (row-major n×n) on every call. */
export interface JacobianCase {
  library: string;
  method: string;
  /** Precision and backend notes shown in the table. */
  note: string;
  run: () => Float64Array;
  /** Frees what the case allocated outside the garbage collector (jax-js arrays, tfjs tensors). */
  dispose: () => void;
  /** For a jitted case: the bytes its plan keeps between calls and allocates per call. */
  planBytes?: () => { buffers: number; outputs: number };
}

/** Builds the peers' cases for one problem; a peer that fails to load yields a single failed case. */
export type PeerFactory = (p: MlpProblem) => JacobianCase[];

/** Loads @jax-js/jax on its wasm backend and returns its case factory (jacrev, jacfwd, jit(jacrev)). */
export async function loadJax(): Promise<PeerFactory> {
  // Node 20 has no Float16Array, which jax-js tests with instanceof; a stand-in class keeps that false.
  const g = globalThis as Record<string, unknown>;
  if (g.Float16Array === undefined) g.Float16Array = class Float16ArrayStandIn {};
  const jax: typeof JaxModule = await import("@jax-js/jax");
  await jax.init("wasm");
  jax.defaultDevice("wasm");
  const np = jax.numpy;
  return (p) => {
    const { n } = p;
    const arr = (data: Float64Array, shape: number[]) => np.array(data, { dtype: np.float64 }).reshape(shape);
    const w1 = arr(p.w1, [n, n]);
    const b1 = arr(p.b1, [n]);
    const w2 = arr(p.w2, [n, n]);
    const b2 = arr(p.b2, [n]);
    const x = arr(p.x, [n]);
    // jax-js arrays are reference counted: every use of a kept array passes `.ref`.
    const f = (v: JaxModule.Array) =>
      np.matmul(w2.ref, np.tanh(np.matmul(w1.ref, v).add(b1.ref))).add(b2.ref);
    // dataSync() consumes the array (it takes the reference), so there is nothing left to dispose.
    const read = (j: JaxModule.Array) => Float64Array.from(j.dataSync());
    const jacrevF = jax.jacrev(f);
    const jacfwdF = jax.jacfwd(f);
    const jitted = jax.jit(jax.jacrev(f));
    const note = "wasm, float64";
    return [
      { library: "jax-js", method: "jacrev", note, run: () => read(jacrevF(x.ref)), dispose: () => {} },
      { library: "jax-js", method: "jacfwd", note, run: () => read(jacfwdF(x.ref)), dispose: () => {} },
      {
        library: "jax-js",
        method: "jit(jacrev)",
        note,
        run: () => read(jitted(x.ref)),
        dispose: () => {
          jitted.dispose();
          for (const a of [w1, b1, w2, b2, x]) a.dispose();
        },
      },
    ];
  };
}

/** Loads @tensorflow/tfjs on its cpu backend and returns its case factory (float32: tfjs has no float64). */
export async function loadTf(): Promise<PeerFactory> {
  const tf: typeof TfModule = await import("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  await tf.ready();
  return (p) => {
    const { n } = p;
    const w1 = tf.tensor2d(Float32Array.from(p.w1), [n, n]);
    const b1 = tf.tensor1d(Float32Array.from(p.b1));
    const w2 = tf.tensor2d(Float32Array.from(p.w2), [n, n]);
    const b2 = tf.tensor1d(Float32Array.from(p.b2));
    const x = tf.tensor1d(Float32Array.from(p.x));
    const eye = tf.eye(n);
    // Rows of X are inputs: Y = tanh(X·W1^T + b1)·W2^T + b2, so row i of Y is f(X[i]).
    const fRows = (xs: TfModule.Tensor2D) =>
      tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(xs, w1, false, true), b1)), w2, false, true), b2);
    // One backward pass: n copies of x, cotangent eye(n), so d(sum(Y∘I))/dX row i = row i of J.
    const replicatedGrad = tf.grad((xs: TfModule.Tensor) =>
      tf.sum(tf.mul(fRows(xs as TfModule.Tensor2D), eye)),
    );
    const replicated = () => {
      const j = tf.tidy(() => replicatedGrad(tf.tile(x.reshape([1, n]), [n, 1])));
      const out = Float64Array.from(j.dataSync());
      j.dispose();
      return out;
    };
    const rowGrads = Array.from({ length: n }, (_, i) =>
      tf.grad((v: TfModule.Tensor) =>
        fRows(v.reshape([1, n]) as TfModule.Tensor2D)
          .reshape([n])
          .slice(i, 1)
          .sum(),
      ),
    );
    const loop = () => {
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        const g = tf.tidy(() => rowGrads[i](x));
        out.set(g.dataSync(), i * n);
        g.dispose();
      }
      return out;
    };
    const note = "cpu, float32";
    const dispose = () => tf.dispose([w1, b1, w2, b2, x, eye]);
    return [
      { library: "tfjs", method: "replicated single backward", note, run: replicated, dispose: () => {} },
      { library: "tfjs", method: "loop of n tf.grad", note, run: loop, dispose },
    ];
  };
}
