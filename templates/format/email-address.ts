/**
 * An email address shown to someone it does not belong to: its first letter
 * and its domain, "m…@example.org". Enough for a mayor or a clerk to recognise
 * a mailbox they know (the mairie's domain, an initial), not to write to it.
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '…';
  return `${address.slice(0, 1)}…${address.slice(at)}`;
}
