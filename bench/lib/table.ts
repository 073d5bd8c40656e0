import type { BenchmarkResult, Column } from './benchmark.js';

const formatNumber = (value: number, digits: number): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : String(value);

export const formatValue = (value: number | string | null | undefined, column: Pick<Column, 'digits'>): string => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return formatNumber(value, column.digits ?? (Number.isInteger(value) ? 0 : 2));
};

const header = (c: Column): string =>
  `${c.label}${c.unit ? ` (${c.unit})` : ''}${c.better === 'higher' ? ' ↑' : c.better === 'lower' ? ' ↓' : ''}`;

/** Plain-text table: subject and role first, then one column per figure, numbers right-aligned. */
export const renderTable = (result: BenchmarkResult): string => {
  const heads = ['subject', 'role', ...result.columns.map(header)];
  const body = result.rows.map((r) => [
    r.subject,
    r.role,
    ...result.columns.map((c) => formatValue(r.values[c.key], c)),
  ]);
  const widths = heads.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(heads), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
};

/** Everything printed for one benchmark: table, ratios, notes. */
export const renderResult = (name: string, result: BenchmarkResult): string => {
  const out: string[] = [`━━ ${name} ━━`];
  if (result.status === 'unavailable') out.push(`UNAVAILABLE: ${result.reason ?? 'no reason given'}`);
  if (result.rows.length > 0) out.push(renderTable(result));
  if (result.ratios.length > 0) {
    out.push('');
    for (const r of result.ratios)
      out.push(`  ${r.label}: ${r.value === null ? '—' : `${formatNumber(r.value, 2)}`}  — ${r.meaning}`);
  }
  if (result.notes.length > 0) {
    out.push('');
    for (const n of result.notes) out.push(`  · ${n}`);
  }
  return out.join('\n');
};
