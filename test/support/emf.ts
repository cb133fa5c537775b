import { vi } from 'vitest';

/** One CloudWatch embedded-metric-format line, as Powertools Metrics prints it. */
export interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/**
 * Runs `work` with the business metrics switched on (tests run with `POWERTOOLS_METRICS_DISABLED`
 * unless `VERBOSE=1`) and returns the EMF lines it printed, alongside the other JSON lines (logs,
 * stdout and stderr). Those lines are kept off the run's output unless `VERBOSE=1`; anything else
 * passes through.
 */
export async function captureJsonLines<T>(
  work: () => Promise<T>,
): Promise<{ result: T; metrics: EmfLine[]; logs: Record<string, unknown>[] }> {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const metrics: EmfLine[] = [];
  const logs: Record<string, unknown>[] = [];
  // Powertools prints INFO and metrics to stdout, WARN and ERROR to stderr: both are read.
  const spies = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      let taken = 0;
      for (const line of String(chunk).split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if ('_aws' in parsed) metrics.push(parsed as EmfLine);
          else logs.push(parsed);
          taken++;
        } catch {
          // Not JSON: passes through.
        }
      }
      // The JSON lines are the test's to read, not the run's output (shown too with VERBOSE=1).
      if (taken > 0 && process.env.VERBOSE !== '1') return true;
      return write(chunk as string, ...(rest as []));
    }) as typeof stream.write);
  });
  try {
    const result = await work();
    return { result, metrics, logs };
  } finally {
    for (const spy of spies) spy.mockRestore();
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
}

/** The metric lines as `name → [value, dimensions]` pairs, in print order. */
export function metricValues(
  lines: readonly EmfLine[],
): { name: string; value: unknown; dimensions: Record<string, unknown> }[] {
  return lines.flatMap((line) =>
    line._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.map((metric) => ({
        name: metric.Name,
        value: line[metric.Name],
        dimensions: Object.fromEntries((directive.Dimensions[0] ?? []).map((name) => [name, line[name]])),
      })),
    ),
  );
}
