// Public API of modules/posts (spec/yoyow.md §4.7–§4.15, §5.6–§5.8): licences, posts, scores and rewards on the
// YOYOW chain state of modules/yoyow. The YOYOW dialect, the admin API and the console import from here only.
export { POST_ERRORS, POST_FLAGS, POST_TYPE, POSTS_KIND, DEFAULT_POST_FLAGS, MAX_POST_FLAGS, RATIO_TOTAL, postError, postsDeps } from './types.js';
export type { License, Post, PostOrigin, PostsDeps, Receiptor, Score } from './types.js';
export { checkReceiptors, checkOrigin, defaultReceiptors, splitPayment } from './rules.js';
export { createLicense, ensureDefaultLicense, sha256Text, type CreateLicenseInput } from './licenses.js';
export { checkPostShape, chainReceiptors, createPost, type PostInput, type PostResult } from './posts.js';
export { scorePost, rewardPost, type PostActionInput, type ScoreInput, type RewardInput } from './scores.js';
export { getPost, listPosts, listScores, getScore, type PostListQuery, type ScoreListQuery } from './store.js';
