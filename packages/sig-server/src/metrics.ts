/**
 * Prometheus text exposition (format 0.0.4) of the few numbers an operator
 * needs: requests by route and status, appends, conflicts, fork evidence,
 * rate-limited requests and a request latency histogram. No dependency: the
 * format is a few lines of text.
 */

type Labels = Record<string, string>;

/** Latency buckets in seconds (upper bounds). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  // Escape per the exposition format: backslash, quote, newline.
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return '{' + keys.map((k) => `${k}="${esc(labels[k]!)}"`).join(',') + '}';
}

/** A cheap map key for a label set (names and values joined); the text is built when rendering. */
function labelKey(labels: Labels): string {
  let k = '';
  for (const name in labels) k += name + '\u0000' + labels[name] + '\u0001';
  return k;
}

class Counter {
  readonly values = new Map<string, { labels: Labels; n: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels).n += by;
  }
  /** The live entry of a label set (made at 0). */
  entry(labels: Labels): { labels: Labels; n: number } {
    const k = labelKey(labels);
    let v = this.values.get(k);
    if (!v) this.values.set(k, (v = { labels, n: 0 }));
    return v;
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.n ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const v of this.values.values()) out += `${this.name}${labelText(v.labels)} ${v.n}\n`;
    return out;
  }
}

interface HistogramSeries {
  labels: Labels;
  counts: number[];
  sum: number;
  n: number;
}

function observeInto(s: HistogramSeries, seconds: number): void {
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.counts[i]!++;
  s.sum += seconds;
  s.n++;
}

class Histogram {
  readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(labels: Labels, seconds: number): void {
    observeInto(this.entry(labels), seconds);
  }
  /** The live series of a label set (made empty). */
  entry(labels: Labels): HistogramSeries {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels, counts: BUCKETS.map(() => 0), sum: 0, n: 0 }));
    return s;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      BUCKETS.forEach((b, i) => {
        out += `${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}\n`;
      });
      out += `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.n}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${s.sum}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.n}\n`;
    }
    return out;
  }
}

/**
 * The per-request counters for one (route, method, status): looked up by one
 * string key, so a request does not rebuild label sets.
 */
interface RequestSeries {
  count: { labels: Labels; n: number };
  latency: HistogramSeries;
}

/** The sig-server's metrics; one instance per app. */
export class Metrics {
  readonly requests = new Counter(
    'kez_sig_http_requests_total',
    'HTTP requests by route pattern, method and status.',
  );
  readonly latency = new Histogram(
    'kez_sig_http_request_duration_seconds',
    'Time to answer a request, by route pattern.',
  );
  readonly appendedEvents = new Counter(
    'kez_sig_appended_events_total',
    'Events added to chains (primary line).',
  );
  readonly duplicateEvents = new Counter(
    'kez_sig_duplicate_events_total',
    'Events submitted again that were already stored (idempotent).',
  );
  readonly conflicts = new Counter(
    'kez_sig_append_conflicts_total',
    'Appends refused with 409, by error code.',
  );
  readonly forkEvidence = new Counter(
    'kez_sig_fork_evidence_total',
    'Different valid events at an existing seq, stored as fork evidence.',
  );
  readonly rejected = new Counter(
    'kez_sig_rejected_events_total',
    'Appends refused because an event is malformed or breaks a chain rule, by error code.',
  );
  readonly rateLimited = new Counter(
    'kez_sig_rate_limited_total',
    'Requests refused with 429 by the per-address rate limit.',
  );

  readonly #series = new Map<string, RequestSeries>();

  /** Count one answered request and its latency. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const s = this.#seriesOf(route, method, status);
    s.count.n++;
    observeInto(s.latency, seconds);
  }

  /**
   * observeRequest for one route, remembering the last (method, status) series: nearly every
   * request to a route repeats it, and this skips building and hashing a key per request.
   */
  requestRecorder(route: string): (method: string, status: number, seconds: number) => void {
    let lastMethod = '';
    let lastStatus = 0;
    let last: RequestSeries | undefined;
    return (method, status, seconds) => {
      if (!last || status !== lastStatus || method !== lastMethod) {
        last = this.#seriesOf(route, method, status);
        lastMethod = method;
        lastStatus = status;
      }
      last.count.n++;
      observeInto(last.latency, seconds);
    };
  }

  #seriesOf(route: string, method: string, status: number): RequestSeries {
    const key = `${route} ${method} ${status}`;
    let s = this.#series.get(key);
    if (!s) {
      s = {
        count: this.requests.entry({ route, method, status: String(status) }),
        latency: this.latency.entry({ route }),
      };
      this.#series.set(key, s);
    }
    return s;
  }

  /**
   * @example
   * const m = new Metrics(); m.appendedEvents.inc();
   * new Response(m.render(), { headers: { 'content-type': METRICS_CONTENT_TYPE } });
   */
  render(): string {
    return [
      this.requests,
      this.latency,
      this.appendedEvents,
      this.duplicateEvents,
      this.conflicts,
      this.forkEvidence,
      this.rejected,
      this.rateLimited,
    ]
      .map((m) => m.render())
      .join('');
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
