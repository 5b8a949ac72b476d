/**
 * Progress on stderr when it is a terminal: one line, rewritten at most ten times a second and
 * cleared at the end. Quiet otherwise, so CI logs hold only results.
 */
export function progressReporter(stream: NodeJS.WriteStream): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    stream.write(done < total ? `\rcrownguard: checked ${done} of ${total} files` : '\r\x1b[2K');
  };
}
