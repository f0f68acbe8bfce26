// Public API of modules/yoyow (the YOYOW chain state, spec/yoyow.md §5): accounts by uid, the YOYO asset and its
// sub-balances on the ledger, csaf, fees, consents, operation records (sealed into the core's blocks), histories and
// block views. Dialects, the admin API and later modules (posts, ads) import from here only.
export { YOYO_PRECISION, YOYO_SYMBOL, INT64_MAX, YoyowChainError, chainError, chainRule, CHAIN_ERRORS } from './types.js';
export type { ChainDeps, Consent, Db, OperationInput, RecordedOperation, WriteResult, YoyowAccountRef } from './types.js';
export { accountName, nameOf, ensureYoyowChain, readChainInfo, resolveAccount, readSubBalances, currentSupply, type ChainInfo } from './accounts.js';
export { accrue, nowSeconds, type CsafState } from './csaf.js';
export { chainSettings, appChainSettings, feeFor, defaultChainSettings, FEE_OPS, type FeeOp, type YoyowChainSettings, type CsafSettings } from './settings.js';
export { activeConsent, liveConsent, usablePrepaid, spendThroughConsent, PERMISSION, ALL_PERMISSIONS } from './consents.js';
export { beginChainWrite, nextInstance, recordOperation, listHistory, blockData, findOperation, yoyowBlockId, type HistoryEntry, type StoredOperation, type BlockData } from './records.js';
export {
  chargeFee,
  feeField,
  openAccount,
  requireAccount,
  requireConsent,
  settleCsaf,
  csafWithAccrual,
  issueYoyo,
  grantCsaf,
  platformTransfer,
  transferPrecision,
  grantConsent,
  setConsentSuspended,
  revokeConsent,
  setAccountFlags,
  KIND,
  type WriteDeps,
  type FeeCharge,
  type ConsentInput,
  type PlatformTransferInput,
  type AccountFlags,
} from './operations.js';
export { accountState, accountBalances, ensureAccountOpen, yoyoAsset, assetByName, otherHoldings, consentView, blockView, blockConfirmed, type AccountState, type AssetState, type BlockView } from './views.js';
export { assetAmount, chainInt, chainTime, objectId, accountInstance, NOT_SET_TIME } from './chainJson.js';
export { yoyowDeps } from './deps.js';
export { exposedAsset, exposedAssetByName, exposedAssets, exposedBalance, exposedSupply, type ExposedAsset } from './exposed.js';
