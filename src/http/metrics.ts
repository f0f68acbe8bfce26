// Prometheus metrics, written in the text exposition format (0.0.4) by hand: three metric families do not justify a
// client library, and a per-server registry (no process-wide singleton) lets several servers run in one test
// process without mixing their counts.
import type { FastifyInstance } from 'fastify';
import { headBlockNumber } from './health.js';
import type { Services } from '../services.js';

/** Upper bounds in seconds; Prometheus' classic latency buckets. */
const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Bound on label combinations: a flood of odd methods cannot grow memory without limit. */
const MAX_SERIES = 5000;

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

export interface HttpMetrics {
  observe(method: string, route: string, status: number, durationS: number): void;
  /** The exposition text; `extra` lines (gauges read at scrape time) are appended. */
  render(extra: readonly string[]): string;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
}

export function createHttpMetrics(): HttpMetrics {
  const counts = new Map<string, number>();
  const durations = new Map<string, Histogram>();
  return {
    observe(method, route, status, durationS) {
      const countKey = labels({ method, route, status: String(status) });
      if (!counts.has(countKey) && counts.size >= MAX_SERIES) return;
      counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
      const durationKey = labels({ method, route });
      let h = durations.get(durationKey);
      if (!h) {
        h = { buckets: DURATION_BUCKETS_S.map(() => 0), sum: 0, count: 0 };
        durations.set(durationKey, h);
      }
      DURATION_BUCKETS_S.forEach((le, i) => {
        if (durationS <= le) h.buckets[i]! += 1;
      });
      h.sum += durationS;
      h.count += 1;
    },
    render(extra) {
      const out: string[] = [
        '# HELP http_requests_total HTTP requests answered, by method, route template and status.',
        '# TYPE http_requests_total counter',
      ];
      for (const [k, v] of counts) out.push(`http_requests_total{${k}} ${v}`);
      out.push('# HELP http_request_duration_seconds Time from request received to response sent.');
      out.push('# TYPE http_request_duration_seconds histogram');
      for (const [k, h] of durations) {
        DURATION_BUCKETS_S.forEach((le, i) => out.push(`http_request_duration_seconds_bucket{${k},le="${le}"} ${h.buckets[i]}`));
        out.push(`http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        out.push(`http_request_duration_seconds_sum{${k}} ${h.sum}`);
        out.push(`http_request_duration_seconds_count{${k}} ${h.count}`);
      }
      return [...out, ...extra, ''].join('\n');
    },
  };
}

/**
 * Counts every answered request (including 404s and failures rendered by the error handler) and serves GET /metrics.
 * The route label is the matched route template, never the raw URL, so ids in paths do not explode the series.
 */
export function metricsRoutes(app: FastifyInstance, services: Services): void {
  const metrics = createHttpMetrics();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    const head = await headBlockNumber(services).catch(() => null);
    const extra = [
      '# HELP plaza_ledger_head_block Number of the last sealed ledger block (0 before the first).',
      '# TYPE plaza_ledger_head_block gauge',
      ...(head === null ? [] : [`plaza_ledger_head_block ${head}`]),
      '# HELP process_uptime_seconds Seconds since the process started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${process.uptime().toFixed(3)}`,
    ];
    return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render(extra));
  });
}
