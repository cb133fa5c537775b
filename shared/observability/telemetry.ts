import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '../logger.ts';
import { METRICS_NAMESPACE, type MetricSpec, SERVICE_NAME } from './metric-names.ts';
import { loadedTracer } from './tracing.ts';

/**
 * What an engineer on call reads: X-Ray traces (Powertools Tracer), business metrics as CloudWatch
 * embedded-metric-format lines in the logs (Powertools Metrics: no `PutMetricData` call, no grant),
 * and the ids that follow one piece of work from the API through the queues to the workers, as log
 * keys and trace annotations ({@link correlate}).
 *
 * The Tracer is loaded only where X-Ray tracing is on (`./tracing.ts`); elsewhere (tests, the local
 * stack) the ids still go on the log lines. The metrics lines are printed unless
 * `POWERTOOLS_METRICS_DISABLED=true` (the local stack's demo and the tests set it unless `VERBOSE=1`).
 */

/** Made on the first metric published: a function that publishes none never builds it. */
let metrics: Metrics | undefined;
const publisher = (): Metrics => {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return metrics;
};

/** One value of a metric, as the workers' pure `…Metrics(outcome)` functions describe them. */
export interface MetricPoint {
  readonly spec: MetricSpec;
  readonly value: number;
  /** The value of the spec's dimension (required when it has one). */
  readonly dimension?: string;
}

/**
 * Publishes each point at once, as a metric line of its own (`service`, and the spec's dimension
 * when it has one: a point without its value is an error, it would be another metric). Values are
 * counts and durations, never personal data.
 */
export function publish(points: readonly MetricPoint[]): void {
  for (const { spec, value, dimension } of points) {
    if (spec.dimension && dimension === undefined) {
      throw new Error(`metric ${spec.name} needs its ${spec.dimension} dimension`);
    }
    const line = publisher().singleMetric();
    if (spec.dimension && dimension !== undefined) line.addDimension(spec.dimension, dimension);
    line.addMetric(spec.name, spec.unit, value);
  }
}

/** The ids that name one piece of work wherever it goes. */
export interface Correlation {
  readonly uploadId?: string;
  /** A family programme file import (`POST /imports`). */
  readonly importId?: string;
  readonly proposalId?: string;
  readonly decreeId?: string;
  readonly runId?: string;
  readonly region?: string;
}

const CORRELATION_KEYS = ['uploadId', 'importId', 'proposalId', 'decreeId', 'runId', 'region'] as const;

/** What an id looks like; anything else (a mistyped path, a probe) is not put in logs or traces. */
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The well-formed ids of a correlation, as plain key/value pairs. */
export function correlationKeys(ids: Correlation): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const key of CORRELATION_KEYS) {
    const value = ids[key];
    if (value !== undefined && ID_PATTERN.test(value)) keys[key] = value;
  }
  return keys;
}

/** The correlation ids a message or record carries (its string fields of those names). */
export function correlationOf(value: unknown): Correlation {
  if (typeof value !== 'object' || value === null) return {};
  const found: Record<string, string> = {};
  for (const key of CORRELATION_KEYS) {
    const field: unknown = Reflect.get(value, key);
    if (typeof field === 'string') found[key] = field;
  }
  return found;
}

/**
 * Adds the ids to every log line of the rest of this invocation (the handlers' `resetKeys` clears
 * them for the next one) and to the trace as annotations (searchable in X-Ray: `annotation.proposalId
 * = "..."`).
 */
export function correlate(ids: Correlation): void {
  const keys = correlationKeys(ids);
  if (Object.keys(keys).length === 0) return;
  logger.appendKeys(keys);
  const tracer = loadedTracer();
  if (tracer) for (const [key, value] of Object.entries(keys)) tracer.putAnnotation(key, value);
}

/**
 * Runs one piece of work in a trace subsegment of its own (`### name`), annotated with its ids, and
 * with those ids on its log lines; the keys are taken off again afterwards, so the next record of a
 * batch does not carry them. Without tracing (outside Lambda) only the log keys are set.
 */
export async function traced<T>(name: string, ids: Correlation, work: () => Promise<T>): Promise<T> {
  const keys = correlationKeys(ids);
  logger.appendKeys(keys);
  const tracer = loadedTracer();
  const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
  const subsegment = parent?.addNewSubsegment(`### ${name}`);
  if (subsegment) {
    for (const [key, value] of Object.entries(keys)) subsegment.addAnnotation(key, value);
    tracer?.setSegment(subsegment);
  }
  try {
    return await work();
  } catch (error) {
    subsegment?.addError(error instanceof Error ? error : new Error(String(error)), false);
    throw error;
  } finally {
    subsegment?.close();
    if (parent) tracer?.setSegment(parent);
    logger.removeKeys(Object.keys(keys));
  }
}

/** Milliseconds since `startedAt` (a `performance.now()` reading). */
export const elapsedMs = (startedAt: number): number => Math.round(performance.now() - startedAt);
