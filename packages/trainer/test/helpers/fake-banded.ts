import { definePlugin, defineStage, z } from '@voxelwise/core';
import type { FeatureBand, FittedModel, Matrix } from '@voxelwise/core';
import { ridge } from '@voxelwise/ridge';

const alphas = { alphas: [0.1, 1, 10, 100, 1000] as [number, ...number[]] };

/**
 * A stand-in for a banded model under the name the trainer treats as banded: it fits `ridge-cv`
 * on all columns, reports uniform γ, and splits its prediction by the bands it was given.
 */
export function fakeBanded(seen: { bands: FeatureBand[][]; columns: number[] }) {
  const ridgeCv = ridge().stages.find((s) => s.name === 'ridge-cv')!;
  return definePlugin('fake-banded', [
    ridgeCv,
    defineStage({
      kind: 'model',
      name: 'banded-ridge-cv',
      description: 'ridge-cv with a band report, for trainer tests',
      options: z.object({}).strict(),
      create: () => ({
        id: 'fake-banded',
        async fit(data, ctx) {
          const bands = data.bands ?? [];
          seen.bands.push([...bands]);
          seen.columns.push(data.X.cols);
          const inner = await ctx.stages!.create('model', { name: 'ridge-cv', options: alphas });
          const fitted = await inner.fit({ X: data.X, Y: data.Y, ...(data.groups ? { groups: data.groups } : {}) }, ctx);
          const v = data.Y.cols;
          const nb = bands.length;
          const gammas = new Float64Array(v * nb).fill(1 / nb);
          const lambdas = Float64Array.from({ length: v * nb }, (_, k) => fitted.penalty!.lambdas[Math.floor(k / nb)]! * nb);
          const model: FittedModel = {
            predict: (X) => fitted.predict(X),
            score: (X, Y) => fitted.score(X, Y),
            evaluate: (X, Y, c) => fitted.evaluate(X, Y, c),
            info: {},
            ...(fitted.weights ? { weights: fitted.weights } : {}),
            bands: { names: bands.map((b) => b.name), gammas, lambdas, huthAlphas: lambdas.map(Math.sqrt) },
            async predictSplit(X: Matrix) {
              const parts: Matrix[] = [];
              for (const band of bands) {
                const masked = new Float64Array(X.data.length);
                for (let i = 0; i < X.rows; i++)
                  for (let c = band.start; c < band.end; c++) masked[i * X.cols + c] = X.data[i * X.cols + c]!;
                parts.push(await fitted.predict({ rows: X.rows, cols: X.cols, data: masked }));
              }
              return parts;
            },
          };
          return model;
        },
      }),
    }),
  ]);
}
