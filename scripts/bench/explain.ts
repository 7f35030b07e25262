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
