/**
 * Plans of everything a statement runs, nested statements (functions, triggers) included: the
 * server's auto_explain module, its LOG lines sent to this client as notices. Superuser only,
 * which the benchmark's own throw-away database allows.
 */
import type pg from 'pg';

export async function autoExplain(db: pg.Client, sql: string, values: unknown[] = [], opts: { rollback?: boolean; minMs?: number } = {}): Promise<string[]> {
  const plans: string[] = [];
  const onNotice = (n: { message?: string }) => { if (n.message?.includes('Query Text')) plans.push(n.message); };
  db.on('notice', onNotice);
  try {
    await db.query(`load 'auto_explain'`);
    await db.query(`set auto_explain.log_min_duration = ${opts.minMs ?? 1}; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
                    set auto_explain.log_triggers = on; set auto_explain.log_nested_statements = on; set client_min_messages = log`);
    if (opts.rollback) await db.query('begin');
    try {
      await db.query(sql, values);
    } finally {
      if (opts.rollback) await db.query('rollback');
    }
  } finally {
    await db.query(`set auto_explain.log_min_duration = -1; set client_min_messages = notice`);
    db.off('notice', onNotice);
  }
  return plans;
}

/** The first line of each plan: "duration: … ms plan:" and the statement's opening words. */
export function planHeadlines(plans: readonly string[]): string[] {
  return plans.map((p) => {
    const duration = /duration: ([\d.]+) ms/.exec(p)?.[1] ?? '?';
    const text = /Query Text:\s*([\s\S]*?)\n(?:Query Parameters|[A-Z][a-z]+ )/.exec(p)?.[1] ?? '';
    return `${duration} ms  ${text.replace(/\s+/g, ' ').trim().slice(0, 90)}`;
  });
}

/** The tables a stats() plan reads its counts from (the rollups, and the work orders of the 差评 loop). */
export const ROLLUP_TABLES = ['stats_rollup', 'rating_daily', 'finished_daily', 'work_orders'] as const;

/**
 * Rows an EXPLAIN ANALYZE plan read from each rollup table: per scan node on it, the rows it
 * returned plus those its filter removed, times its loops (issue 16.1: this must grow with the
 * groups a question shows, not with the ratings).
 */
export function rollupRowsRead(plan: string): Record<(typeof ROLLUP_TABLES)[number], number> {
  const read = Object.fromEntries(ROLLUP_TABLES.map((t) => [t, 0])) as Record<(typeof ROLLUP_TABLES)[number], number>;
  const lines = plan.split('\n');
  lines.forEach((line, i) => {
    const table = / Scan(?: using \S+)? on (?:app\.)?(\w+)/.exec(line)?.[1] as (typeof ROLLUP_TABLES)[number] | undefined;
    if (!table || !(table in read)) return;
    const actual = /actual time=\S+ rows=(\d+) loops=(\d+)/.exec(line);
    if (!actual) return;
    const depth = line.search(/\S/);
    let removed = 0;
    // The node's detail lines follow it, indented deeper, until the next node (a line with "->").
    for (let j = i + 1; j < lines.length && !lines[j]!.includes('->') && lines[j]!.search(/\S/) > depth; j++) {
      const r = /Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(lines[j]!);
      if (r) removed += Number(r[1]);
    }
    read[table] += (Number(actual[1]) + removed) * Number(actual[2]);
  });
  return read;
}
