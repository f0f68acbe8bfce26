// Public API of modules/ads (YOYOW advertising, spec/yoyow.md §4.16–§4.22, §5.9): the YOYOW dialect, the admin API
// and the console import from here only.
export { createAdvertising, updateAdvertising, buyAdvertising, confirmAdvertising, ransomAdvertising, confirmationFee } from './operations.js';
export type { CreateAdInput, UpdateAdInput, BuyAdInput, ConfirmAdInput, RansomAdInput } from './operations.js';
export { findAd, findOrder, listAds, listOrders, resolveAccountSpec, type OrderQuery } from './store.js';
export { adsDeps, advertisingSettings, KIND, ORDER_STATUS, TEN_YEARS_SECONDS } from './types.js';
export type { AccountSpec, AdView, AdsDeps, AdWrite, AdvertisingSettings, OrderStatus, OrderView } from './types.js';
