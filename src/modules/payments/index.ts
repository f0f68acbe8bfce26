// The payments module's API (the contract other parts code against: notes/pi-contract.md). Each name lives in the
// file named beside it; this file only gathers them.
export { PI_PRECISION, DEFAULT_NETWORK, appPiSettings, ensurePayments, paymentAssetId, paymentsDeps } from './settings.js';
export type { AppPiSettings, PaymentSettings, PaymentsDeps } from './settings.js';
export { PaymentError, paymentFlags } from './types.js';
export type { CancelReason, Direction, Payment, PaymentErrorCode, PaymentFlags, PaymentState, PaymentViewer, VerificationError } from './types.js';
export { amountText, paymentDtoJson, paymentDtoObject, transactionLink } from './dto.js';
export { IDENTIFIER_PATTERN, isIdentifier } from './repository.js';
export { sweepOverdue } from './expiry.js';
export {
  KIND_PAYMENT,
  MAX_AMOUNT_MINOR,
  approvePayment,
  cancelPayment,
  completePayment,
  createAppToUser,
  createUserToApp,
  getPayment,
  incompleteServerPayments,
  incompleteUserPayment,
  linkGatewayPayment,
  listAppPayments,
  openUserPayments,
  payPayment,
  paymentNetwork,
} from './service.js';
export type { PaymentListFilter } from './service.js';
