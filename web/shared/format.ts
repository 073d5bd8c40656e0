/** Amounts are integers in the currency's minor unit as the API sends them (KRW has none). */
export const money = (amount: number, currency: string | null | undefined): string => {
  const code = currency ?? 'KRW';
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: code,
      currencyDisplay: 'narrowSymbol',
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${amount.toLocaleString('en-US')} ${code}`;
  }
};

export const count = (n: number): string => n.toLocaleString('en-US');

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

/** mm:ss (or h:mm:ss) left, never negative. */
export const countdown = (ms: number): string => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

export const clockTime = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const dateTime = (epochMs: number): string =>
  new Date(epochMs).toLocaleString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
