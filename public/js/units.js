// How the dashboard writes numbers: counts whole, rates and milliseconds with as many decimals as
// their size deserves, and a dash where nothing was measured.

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const TWO_DECIMALS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const NOTHING = '–';

/** A count; negative means the server could not tell (its store did not answer). */
export function formatCount(n) {
  return n == null || n < 0 ? NOTHING : WHOLE.format(n);
}

/** Events per second: "0", "0.4", "12". */
export function formatRate(n) {
  if (n == null) return NOTHING;
  return (n >= 10 ? WHOLE : ONE_DECIMAL).format(n);
}

/** Milliseconds, null when nothing was measured: "0.35", "4.2", "120". */
export function formatMs(n) {
  if (n == null) return NOTHING;
  if (n >= 10) return WHOLE.format(n);
  return (n >= 1 ? ONE_DECIMAL : TWO_DECIMALS).format(n);
}

/** A span of time in words: "40 seconds", "1 minute", "10 minutes". */
export function formatSpan(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** A wall-clock time to the second, 24-hour: "14:03:09". */
export function formatClock(epochMs) {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
