/** A metric declared by a policy (ARCHITECTURE point 13): plain data the observability layer turns into prom-client metrics. */
export interface MetricDecl {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}
