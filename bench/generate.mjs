// Generates realistic source files for the benchmarks: functions that read records, build
// strings and log, with a small share of planted leaks. Deterministic for a given seed.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FIELDS = ['id', 'name', 'status', 'created_at', 'score', 'region', 'plan', 'email', 'ssn', 'count'];

/** A Python module of about `lines` lines; every `leakEvery`-th function logs a sensitive field. */
export function pythonFile(lines, { seed = 1, leakEvery = 25 } = {}) {
  const r = rng(seed);
  const out = ['import logging', 'from acme_privacy import redact', '', 'logger = logging.getLogger(__name__)', ''];
  for (let i = 0; out.length < lines; i++) {
    const f = FIELDS[Math.floor(r() * 7)];
    const leak = i % leakEvery === 0;
    out.push(
      `def handler_${i}(record, rows):`,
      `    """Process record ${i}."""`,
      `    total = sum(row.${f} for row in rows if row.score > ${i % 10})`,
      `    label = f"record {record.id} has {total} rows in {record.region}"`,
      `    if total > ${i % 50}:`,
      `        logger.info("handler ${i}: %s", label)`,
      leak
        ? `    logger.warning("customer %s", record.ssn)`
        : `    logger.debug("ssn present: %s", record.ssn is not None)`,
      `    return {"id": record.id, "total": total, "plan": record.plan}`,
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** A TypeScript module of about `lines` lines, with the same shape. */
export function typescriptFile(lines, { seed = 1, leakEvery = 25 } = {}) {
  const r = rng(seed);
  const out = ['import { redact } from "@acme/privacy";', 'import pino from "pino";', 'const logger = pino();', ''];
  for (let i = 0; out.length < lines; i++) {
    const f = FIELDS[Math.floor(r() * 7)];
    const leak = i % leakEvery === 0;
    out.push(
      `export function handler${i}(record: any, rows: any[]): object {`,
      `  const total = rows.filter((row) => row.score > ${i % 10}).map((row) => row.${f}).length;`,
      '  const label = `record ${record.id} has ${total} rows in ${record.region}`;',
      `  if (total > ${i % 50}) {`,
      `    logger.info("handler ${i}: %s", label);`,
      '  }',
      leak ? '  console.warn("customer", record.ssn);' : '  console.debug("ssn present", record.ssn !== undefined);',
      '  return { id: record.id, total, plan: record.plan };',
      '}',
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}
