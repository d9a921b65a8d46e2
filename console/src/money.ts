/**
 * Amounts arrive as decimal strings and are shown as such: grouped by thousands, two decimals, never
 * through a float (a float would round kopecks).
 */
export function formatMoney(amount: string, currency?: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return currency ? `${amount} ${currency}` : amount;
  const [, sign, whole, fraction = ''] = match;
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const cents = (fraction + '00').slice(0, Math.max(2, fraction.length));
  return `${sign}${grouped}.${cents}${currency ? ` ${currency}` : ''}`;
}

/** An instant as the person reads it: UTC, to the second (the API's own times are UTC). */
export const formatTime = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—';
