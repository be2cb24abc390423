import { performance } from 'node:perf_hooks';

/** One step of the demo as it ran: who did what, how long it took, what it showed. */
export interface DemoStep {
  readonly number: number;
  readonly actor: string;
  readonly title: string;
  readonly ok: boolean;
  readonly milliseconds: number;
  readonly facts: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** Thrown inside a step to stop the demo; the trace has already recorded the failed step. */
export class DemoStepFailed extends Error {
  constructor(readonly step: DemoStep) {
    super(`step ${step.number} failed: ${step.error?.code ?? 'FAILED'}`);
    this.name = 'DemoStepFailed';
  }
}

function describeError(error: unknown): { code: string; message: string } {
  if (error !== null && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'UNEXPECTED',
      message: typeof message === 'string' ? message : String(error),
    };
  }
  return { code: 'UNEXPECTED', message: String(error) };
}

/**
 * Records the steps of the demo and prints each as soon as it ends: readable text by default, or one JSON
 * document at the end (`--json`), so that the output can be checked by machines too.
 */
export class DemoTrace {
  readonly steps: DemoStep[] = [];
  readonly #output: NodeJS.WritableStream;
  readonly #json: boolean;
  readonly #started = performance.now();

  constructor(output: NodeJS.WritableStream, json: boolean) {
    this.#output = output;
    this.#json = json;
  }

  /** Prints a line of text (not in JSON mode). */
  say(line: string): void {
    if (!this.#json) this.#output.write(`${line}\n`);
  }

  /**
   * Runs one step. `fact` adds a line to the step's record; a step whose function throws, or that calls
   * `fail`, is recorded as failed and ends the demo with `DemoStepFailed`.
   */
  async step<T>(actor: string, title: string, run: (fact: (line: string) => void) => Promise<T>): Promise<T> {
    const facts: string[] = [];
    const start = performance.now();
    const finish = (ok: boolean, error?: { code: string; message: string }): DemoStep => {
      const step: DemoStep = {
        number: this.steps.length + 1,
        actor,
        title,
        ok,
        milliseconds: Math.round((performance.now() - start) * 10) / 10,
        facts,
        ...(error === undefined ? {} : { error }),
      };
      this.steps.push(step);
      this.#print(step);
      return step;
    };
    let result: T;
    try {
      result = await run((line) => facts.push(line));
    } catch (error) {
      throw new DemoStepFailed(finish(false, describeError(error)));
    }
    finish(true);
    return result;
  }

  #print(step: DemoStep): void {
    if (this.#json) return;
    const mark = step.ok ? '✔' : '✘';
    const time = `${step.milliseconds.toFixed(1)} ms`.padStart(10);
    this.#output.write(
      `${mark} ${String(step.number).padStart(2)}. ${time}  [${step.actor}] ${step.title}\n`,
    );
    for (const fact of step.facts) this.#output.write(`                    ${fact}\n`);
    if (step.error !== undefined)
      this.#output.write(`                    ${step.error.code}: ${step.error.message}\n`);
  }

  /** Ends the trace: a summary line, or the JSON document. */
  finish(ok: boolean, extra: Record<string, unknown> = {}): void {
    const totalMilliseconds = Math.round(performance.now() - this.#started);
    if (this.#json) {
      this.#output.write(
        `${JSON.stringify({ ok, totalMilliseconds, steps: this.steps, ...extra }, null, 2)}\n`,
      );
      return;
    }
    const passed = this.steps.filter((step) => step.ok).length;
    this.#output.write(
      ok
        ? `\nAll ${passed} steps passed in ${totalMilliseconds} ms.\n`
        : `\nThe demo FAILED after ${passed} passed step(s), ${totalMilliseconds} ms.\n`,
    );
  }
}
