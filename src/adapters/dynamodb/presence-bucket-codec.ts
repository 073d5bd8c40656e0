import type { SessionEntry, SubPartitionCount } from '../../application/ports/presence-bucket-store.port.js';

/**
 * Packed sessions: `id,seq,offset` per session (numbers in base 36, beat times as offsets from
 * the bucket's oldest beat), separated by spaces. Session ids are `[A-Za-z0-9_.:-]`, so neither
 * separator can occur in one. A UUID session takes ~45 bytes, against ~120 for an item of its own.
 */
export const encodeSessions = (
  sessions: readonly SessionEntry[],
): { readonly base: number; readonly packed: string } => {
  const base = sessions.reduce((min, s) => Math.min(min, s.at), Number.MAX_SAFE_INTEGER);
  return {
    base: sessions.length === 0 ? 0 : base,
    packed: sessions.map((s) => `${s.sessionId},${s.sequence.toString(36)},${(s.at - base).toString(36)}`).join(' '),
  };
};

export const decodeSessions = (base: number, packed: string): SessionEntry[] => {
  if (packed === '') return [];
  return packed.split(' ').map((entry) => {
    const [sessionId, sequence, offset] = entry.split(',');
    if (!sessionId || sequence === undefined || offset === undefined)
      throw new Error(`corrupt presence bucket entry "${entry.slice(0, 80)}"`);
    return { sessionId, sequence: parseInt(sequence, 36), at: base + parseInt(offset, 36) };
  });
};

export const encodeExpiring = (expiring: SubPartitionCount['expiring']): string =>
  expiring.map(([at, n]) => `${at.toString(36)}:${n.toString(36)}`).join(' ');

export const decodeExpiring = (text: string): Array<[number, number]> =>
  text === ''
    ? []
    : text.split(' ').map((pair) => {
        const [at, n] = pair.split(':');
        return [parseInt(at ?? '', 36), parseInt(n ?? '', 36)];
      });
