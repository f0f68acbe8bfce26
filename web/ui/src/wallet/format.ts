// How the wallet names things: sub-balances, transfer kinds, times. Amounts arrive as exact decimal text and are
// shown as they are (never parsed into floats).

const SUB_LABELS: Record<string, string> = {
  balance: 'Balance',
  credit: 'Credit',
  nc_credit: 'Non-cash credit',
  prepaid: 'Prepaid',
  csaf: 'CSAF',
};

export function subLabel(sub: string): string {
  return SUB_LABELS[sub] ?? sub.replace(/_/g, ' ');
}

const KIND_LABELS: Record<string, string> = {
  issue: 'Issued',
  'pi.payment': 'Pi payment',
  'ulord.grant': 'Welcome grant',
  'ulord.purchase': 'Content purchase',
  'ulord.publish_fee': 'Publishing fee',
  'ulord.ad_reward': 'Ad reward',
  'kamiya.charge': 'Charge',
  'kamiya.force_charge': 'Charge',
  'kamiya.checkin': 'Check-in reward',
  'liveuser.order_grant': 'Order credit',
  'yoyow.transfer': 'Transfer',
  'yoyow.issue': 'Issued',
  'yoyow.fee': 'Fee',
  'yoyow.csaf_accrual': 'CSAF accrual',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/[._]/g, ' ');
}

export function formatDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function signed(direction: 'in' | 'out' | 'internal', amount: string): string {
  return direction === 'in' ? `+${amount}` : direction === 'out' ? `−${amount}` : amount;
}
