// The outermost step of every dialect pipeline: a refusal thrown anywhere in the checks or the endpoint is rendered
// by the same function the dialect gives `runIdempotent`, so it reads the same whether it was thrown before the
// transaction or inside it. Only the answer is used here: nothing is stored outside `runIdempotent`.
import type { RenderedFailure, WireResponse } from './idempotency.js';

/** `run`'s answer, or `render`'s answer for whatever `run` throws. */
export async function guarded(run: () => Promise<WireResponse>, render: (err: unknown) => RenderedFailure): Promise<WireResponse> {
  try {
    return await run();
  } catch (err) {
    return render(err).response;
  }
}
