/** Minimal PromQL reading: which metrics an expression uses, and structural sanity. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from './paths';

const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'count_over_time',
  'delta', 'deriv', 'exp', 'floor', 'histogram_quantile', 'holt_winters', 'idelta', 'increase', 'irate', 'label_join',
  'label_replace', 'ln', 'log2', 'log10', 'max_over_time', 'min_over_time', 'predict_linear', 'quantile_over_time', 'rate',
  'resets', 'round', 'scalar', 'sort', 'sort_desc', 'sqrt', 'stddev_over_time', 'sum_over_time', 'time', 'timestamp', 'vector',
  'last_over_time', 'present_over_time',
]);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric names an expression selects (label matchers, grouping labels, strings and durations removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = m[0];
    const rest = stripped.slice(m.index! + token.length);
    if (/^\s*\(/.test(rest) && (FUNCTIONS.has(token) || AGGREGATIONS.has(token))) continue;
    if (KEYWORDS.has(token.toLowerCase())) continue;
    if (FUNCTIONS.has(token) || AGGREGATIONS.has(token)) throw new Error(`"${token}" used without parentheses in: ${expr}`);
    names.add(token);
  }
  return [...names];
}

/** Structural problems of an expression: unbalanced brackets, bad range durations, unknown functions. */
export function promqlProblems(expr: string): string[] {
  const problems: string[] = [];
  const text = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (text.trim() === '') problems.push('empty expression');
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of text) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs) {
      if (stack.pop() !== pairs[ch]) problems.push(`unbalanced "${ch}"`);
    }
  }
  if (stack.length > 0) problems.push(`unclosed "${stack.join('')}"`);
  for (const m of text.matchAll(/\[([^\]]*)\]/g)) {
    if (!/^\d+(ms|s|m|h|d|w|y)(:\d+(ms|s|m|h|d|w|y))?$/.test(m[1]!.trim())) problems.push(`bad range "[${m[1]}]"`);
  }
  for (const m of text.matchAll(/([a-z_]+)\s*\(/g)) {
    const name = m[1]!;
    if (!FUNCTIONS.has(name) && !AGGREGATIONS.has(name) && !KEYWORDS.has(name)) problems.push(`unknown function "${name}"`);
  }
  for (const m of text.matchAll(/\{([^}]*)\}/g)) {
    for (const matcher of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*\s*(=|!=|=~|!~)\s*""$/.test(matcher)) problems.push(`bad label matcher "${matcher}"`);
    }
  }
  return problems;
}

/** A histogram's series names map to the histogram (`x_bucket`, `x_sum`, `x_count` -> `x`). */
export function baseMetricName(series: string): string {
  return series.replace(/_(bucket|sum|count)$/, '');
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'generated') continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|js)$/.test(entry) && !/\.(spec|bench)\.ts$/.test(entry)) out.push(full);
  }
  return out;
}

/**
 * Every metric name the platform can export: string literals `name: '<metric>'` or metric-factory arguments in the
 * libraries' and services' sources, prom-client's default process metrics, and Prometheus' own `up`.
 */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>(['up']);
  const files = [...sourceFiles(repoPath('libs')), ...sourceFiles(repoPath('services'))].filter((f) => f.includes(`${path.sep}src${path.sep}`));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bname:\s*'([a-z_][a-z0-9_]*)'/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\b(?:counter|histogram|gauge)\(\s*registry,\s*'([a-z_][a-z0-9_]*)'/g)) names.add(m[1]!);
  }
  const promClientMetrics = repoPath('node_modules/prom-client/lib/metrics');
  for (const file of sourceFiles(promClientMetrics)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'((?:process|nodejs)_[a-z0-9_]+)'/g)) names.add(m[1]!);
  }
  return names;
}
