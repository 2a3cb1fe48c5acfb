// sin and cos of one argument in one pass, for fused loops that need both (the JVP of sin is cos, so
// every Jacobian through a rotation has the pair): one reduction by π/2 and the two polynomials of
// fdlibm's kernels on [-π/4, π/4], inline, instead of two calls to Math.sin and Math.cos (the 5-joint
// arm's 10,000 calls were 45% of its time). Within about 1 ulp of Math.sin / Math.cos; arguments that are
// zero, not finite or above 1e5 in magnitude (where the two-part reduction would lose bits) use them.

// π/2 as a 33-bit head (n·head is exact for |n| < 2^20) and the rest, and 2/π.
const PIO2_HEAD = 1.57079632673412561417;
const PIO2_TAIL = 6.07710050650619224932e-11;
const TWO_OVER_PI = 6.36619772367581382433e-1;
// sin r ≈ r + r·z·(S1 + z·(S2 + ...)), z = r²
const S = [
  -1.66666666666666324348e-1, 8.33333333332248946124e-3, -1.98412698298579493134e-4,
  2.75573137070700676789e-6, -2.50507602534068634195e-8, 1.58969099521155010221e-10,
];
// cos r ≈ 1 - z/2 + z²·(C1 + z·(C2 + ...))
const C = [
  4.16666666666666019037e-2, -1.38888888888741095749e-3, 2.48015872894767294178e-5,
  -2.75573143513906633035e-7, 2.0875723212981748279e-9, -1.13596475577881948265e-11,
];
const FAST_LIMIT = 1e5;

const horner = (z: string, cs: readonly number[]): string =>
  cs.reduceRight((inner, c, i) => (i === cs.length - 1 ? String(c) : `${c} + ${z} * (${inner})`), "");

/**
 * Statements declaring `sinName` = sin(x) and `cosName` = cos(x) (x a plain identifier); `tag` makes the
 * temporaries' names unique within the loop body.
 */
export function sinCosStatements(x: string, sinName: string, cosName: string, tag: string): string[] {
  const names = ["a", "n", "r", "z", "s", "c", "hz", "w", "q", "odd", "even"];
  const [a, n, r, z, s, c, hz, w, q, odd, even] = names.map((v) => `${v}_${tag}`);
  return [
    `let ${sinName}, ${cosName};`,
    `const ${a} = Math.abs(${x});`,
    `if (${a} > 0 && ${a} <= ${FAST_LIMIT}) {`,
    `const ${n} = Math.round(${x} * ${TWO_OVER_PI});`,
    `const ${r} = ${x} - ${n} * ${PIO2_HEAD} - ${n} * ${PIO2_TAIL};`,
    `const ${z} = ${r} * ${r};`,
    `const ${s} = ${r} + ${r} * ${z} * (${horner(z, S)});`,
    `const ${hz} = 0.5 * ${z};`,
    `const ${w} = 1 - ${hz};`,
    `const ${c} = ${w} + (1 - ${w} - ${hz} + ${z} * ${z} * (${horner(z, C)}));`,
    // Quadrant q: sin x = ±(q odd ? cos r : sin r), cos x = ±(q odd ? sin r : cos r), selected with
    // multiplies by 0 and 1 (exact) rather than branches, which mispredict on unordered arguments.
    `const ${q} = ${n} & 3;`,
    `const ${odd} = ${q} & 1;`,
    `const ${even} = 1 - ${odd};`,
    `${sinName} = (1 - (${q} & 2)) * (${s} * ${even} + ${c} * ${odd});`,
    `${cosName} = (1 - ((${q} + 1) & 2)) * (${c} * ${even} + ${s} * ${odd});`,
    `} else { ${sinName} = Math.sin(${x}); ${cosName} = Math.cos(${x}); }`,
  ];
}
