/**
 * The metric families meshgate updates on the hot path. prom-client's own Counter/Histogram hash
 * their label object on every `inc()`/`observe()` (a string join per call, even through a
 * `labels()` child); these keep plain numbers in pre-bound children instead, so a request only
 * does `child.value++` and a bucket scan. At scrape time each family emits prom-client's
 * `getMetricsAsJSON()` shape, which prom-client then renders (text or OpenMetrics) and
 * aggregates across workers (`AggregatorRegistry.aggregate`).
 */

/** prom-client's aggregation methods (how values from several processes combine). */
export type Aggregator = 'sum' | 'max' | 'min' | 'first' | 'average' | 'omit';

export type Labels = Readonly<Record<string, string>>;

/** One metric in prom-client's `getMetricsAsJSON()` shape. */
export interface MetricJSON {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: Aggregator;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) labels[names[i]!] = values[i] ?? '';
  return Object.freeze(labels);
}

export class CounterChild {
  value = 0;
  readonly labels: Labels;
  constructor(labels: Labels) {
    this.labels = labels;
  }
}

/** A counter family; children are created once per label set and live as long as the family. */
export class CounterFamily {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  private readonly children = new Map<string, CounterChild>();

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** The family a metric declaration (a policy's metrics.ts) describes. */
  static of(decl: { readonly name: string; readonly help: string; readonly labels: readonly string[] }): CounterFamily {
    return new CounterFamily(decl.name, decl.help, decl.labels);
  }

  /** The child for these label values (bind once, not per request). */
  child(...values: string[]): CounterChild {
    const key = values.join('\u0000');
    let c = this.children.get(key);
    if (c === undefined) {
      c = new CounterChild(labelsOf(this.labelNames, values));
      this.children.set(key, c);
    }
    return c;
  }

  collect(): MetricJSON {
    const values: MetricJSON['values'] = [];
    for (const c of this.children.values()) values.push({ value: c.value, labels: { ...c.labels } });
    return { name: this.name, help: this.help, type: 'counter', aggregator: 'sum', values };
  }
}

export class HistogramChild {
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly labels: Labels;
  private readonly bounds: Float64Array;

  constructor(labels: Labels, bounds: Float64Array) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  // Hot path, change with care.
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  private readonly bounds: Float64Array;
  private readonly children = new Map<string, HistogramChild>();

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.buckets = [...buckets].sort((a, b) => a - b);
    this.bounds = Float64Array.from(this.buckets);
  }

  child(...values: string[]): HistogramChild {
    const key = values.join('\u0000');
    let c = this.children.get(key);
    if (c === undefined) {
      c = new HistogramChild(labelsOf(this.labelNames, values), this.bounds);
      this.children.set(key, c);
    }
    return c;
  }

  collect(): MetricJSON {
    const values: MetricJSON['values'] = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.children.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += c.counts[i]!;
        values.push({ value: cumulative, labels: { ...c.labels, le: this.buckets[i]! }, metricName: bucket });
      }
      values.push({ value: c.count, labels: { ...c.labels, le: '+Inf' }, metricName: bucket });
      values.push({ value: c.sum, labels: { ...c.labels }, metricName: `${this.name}_sum` });
      values.push({ value: c.count, labels: { ...c.labels }, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}

/** A gauge read at scrape time. */
export function gauge(name: string, help: string, aggregator: Aggregator, values: MetricJSON['values']): MetricJSON {
  return { name, help, type: 'gauge', aggregator, values };
}
