// The run's event log. Text only, built from virtual time and simulator state, so one seed always produces
// the same bytes. Callers check `enabled` before formatting, which keeps untraced runs fast.
export class Trace {
  private readonly lines: string[] = [];

  constructor(readonly enabled: boolean) {}

  write(timeMs: number, text: string): void {
    if (!this.enabled) return;
    this.lines.push(`${formatTime(timeMs)} ${text}`);
  }

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}

/** Fixed-width milliseconds, so a trace reads as aligned columns. */
function formatTime(timeMs: number): string {
  return `${String(timeMs).padStart(7, ' ')}ms`;
}
