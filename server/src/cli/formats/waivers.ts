import { maskedWaiver, maskId, type Waiver } from '../../core';

function status(w: Waiver, today: string): string {
  if (w.expires !== undefined && w.expires < today) return 'expired';
  return w.valid ? 'valid' : 'invalid';
}

/** The waiver report: every waiver with its rule, policy, reason, expiry, approver and place. */
export function formatWaivers(found: readonly Waiver[], format: 'text' | 'json', today: string): string {
  const waivers = found.map((w) => ({ ...maskedWaiver(w), path: maskId(w.path) }));
  if (format === 'json') {
    return (
      JSON.stringify(
        {
          version: 1,
          waivers: waivers.map((w) => ({
            path: w.path,
            line: w.line,
            rules: w.rules,
            policy: w.policy ?? null,
            reason: w.reason ?? null,
            expires: w.expires ?? null,
            approver: w.approver ?? null,
            status: status(w, today),
          })),
        },
        null,
        2,
      ) + '\n'
    );
  }
  const lines = waivers.map(
    (w) =>
      `${w.path}:${w.line}: ${status(w, today)} ${w.rules.join(',')} policy=${w.policy ?? '-'} expires=${w.expires ?? '-'} approver=${w.approver ?? '-'} reason=${JSON.stringify(w.reason ?? '')}`,
  );
  const expired = waivers.filter((w) => status(w, today) === 'expired').length;
  lines.push(`${waivers.length} waiver${waivers.length === 1 ? '' : 's'}, ${expired} expired`);
  return lines.join('\n') + '\n';
}
