// Known-answer vectors computed OUTSIDE Plaza, with independent implementations, so the tests compare Plaza's
// node:crypto code against them rather than against itself:
//   * RSA key: `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (PKCS#8), public half `openssl pkey -pubout`;
//   * signatures: `openssl dgst -sha256 -sign key.pem msg | base64` (RSASSA-PKCS1-v1_5 is deterministic);
//   * AEAD_AES_256_GCM: Python `cryptography` AESGCM(key).encrypt(nonce, plaintext, associated_data), base64.
// The messages follow spec/liveuser.md §8.3 (the example prepay message, body in full) and §8.5.

export const KAT_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDFRfC7Lo4yDZ7H\nDOzzJBLtl2S9e1yoNb2gHXNExkevJ+k8Rzjs5BKU+zP5G+PnZ7rWj/U+YJVAq6Ql\nW35bZ5rEdnAj05Nj5PJXgrLeHSnzxkZv3xey1Ev8f8jgGwaQo6rMo30H4+k/B3mb\ngHoU3jn1pIEQBm5O91RmapyqK/+R3vdn1pPXGJSgY8P6GaGUJvTM5xELyv2U2XHw\nBitJ0xcrhFearV0iftwQzhmkCc43uAyPLAb1D3BkeITZDJNlsW5ReDXa1lOP08YP\n2pa1OyHfW0bDMPq06i6kVJzkc8c93dkLUOkiSqdBym6khoQ5hzsT+KP7xTUttdLS\nuTydZGZ3AgMBAAECggEAAqpawdSztCZt9keM7g4XOWGZyVug2V78hGzRcWTydAHo\ni1l1AfJk8+FfBucjEa3bnumMCT851QlcquqNDwQb2bq18i36KFfgFGGeNBUVy4bq\nzbkoc1CeBDffyXNkB9FGTgSJfHFOZf0eXgUC4URNaS3DVqmXlPaPi+C15DC6/8gK\n4gwo5Uj1euuthaLQMzgM03mPem3ewVBlRm6O9uR+iBVC/Q7P1nlX4OimJ9Yy52BW\nVmYymEsyujGDNLx7uOcjcNe9dSAmtRf7nHqM2e2UfOXnzIs4O7T8S/FhRaxUqVvG\n3WzqEOAB3WIWjVkYQ7+pHJYLgwmxs6pjRsgtbekkEQKBgQDiLTkHHXV44JMMMZcD\n86UJRIBvjxPgzl/si9mNdEh0eCpFOgr6DNM72LU6Jneb1CrhbJQ2+NHZk1gDpuJ3\nOV1IRIbKWXMjmhIdzVwOsJKFW1yTpQ8fGIEaboo2qbq8AWmeDmBq9WRHyzRd3keR\n+RKnA3citn7cOEH7VGYkiNYIEQKBgQDfSQ7k6tOZ1SnHKNQwoEpmP956LBl/mFG+\nZPH1cj8zqboIdKPc28wxRotWv9FLzuIaTICvm72CwXI0gw7ySUd5LEIjH8i141fu\nYM2mYVXz1K9tv3Il7nPGUVlMVuFr4tmkBKoZVvFvGz5XenVo1DVOLMromccSv11O\n/Pb0NMVOBwKBgEUNu5CRjPEX161sYogBVkzrDi+BRndnauAEnqpSa2Cr43P5Uaqg\nScnG0yXq4q+/6kui4+mYtDEyjDepNxFhgTp0OZcEEmQ3QPq6XTXa8REoIK6vQVuk\nFp6kSyx/S5Tk9YMdLpDZVQGaZ+WU3NMTcX9uTmxZvYes4XBDh1/2KyqRAoGAdiX8\nYZj4OrAWmTG7hbdrZsto95CaNW/t4Scc+NlpI/ctXwgJJPaRB4nidRaussRX076j\nYUixcJzXx32JzR6FWVLX9Cn/VG9ludczOlTK3GiwIwxoZDXWwRuOetyGD0ZMD4QA\nVcQxoK7zv+omcj/HrQP6ojWspvjncMJeEj5SIMUCgYBSI8rx/6yTjHS/8YMGzKy3\n5EqIqab5L8H3W8ZtVzxt0T44FZXhWQXqhi1PNoNIJSkP5cjeGbbFWAQfNTHs8TVI\nmVUiZDcwcfLSI47f8unK+agO/PIaDocoUUNp8hCsbQRDAsrb8CTFmTTcdoSB3wk9\n6YtoCSeeDY3U8+faVEcbFw==\n-----END PRIVATE KEY-----\n";

export const KAT_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxUXwuy6OMg2exwzs8yQS\n7ZdkvXtcqDW9oB1zRMZHryfpPEc47OQSlPsz+Rvj52e61o/1PmCVQKukJVt+W2ea\nxHZwI9OTY+TyV4Ky3h0p88ZGb98XstRL/H/I4BsGkKOqzKN9B+PpPwd5m4B6FN45\n9aSBEAZuTvdUZmqcqiv/kd73Z9aT1xiUoGPD+hmhlCb0zOcRC8r9lNlx8AYrSdMX\nK4RXmq1dIn7cEM4ZpAnON7gMjywG9Q9wZHiE2QyTZbFuUXg12tZTj9PGD9qWtTsh\n31tGwzD6tOoupFSc5HPHPd3ZC1DpIkqnQcpupIaEOYc7E/ij+8U1LbXS0rk8nWRm\ndwIDAQAB\n-----END PUBLIC KEY-----\n";

/** §8.4 body, keys in order. */
export const KAT_PREPAY_BODY = "{\"appid\":\"wx1a2b3c4d5e6f7a8b\",\"mchid\":\"1900000109\",\"description\":\"Gold pack\",\"out_trade_no\":\"689032396800389\",\"notify_url\":\"https://plaza.example.com/apps/ak_demo/liveuser/Wx/Postpay\",\"amount\":{\"total\":200,\"currency\":\"CNY\"},\"payer\":{\"openid\":\"oX3kA9bQ2c8dE5fG7hJ1kL3mN5pR\"}}";

export const KAT_SIGN = {
  method: 'POST',
  url: '/v3/pay/transactions/jsapi',
  timestamp: '1746101400',
  nonce: '5E1F0C2B9A7D4E3F8B6A1C0D2E4F6A8B',
  /** openssl's signature over `POST\n/v3/pay/transactions/jsapi\n1746101400\n5E1F…\n<body>\n`. */
  signature: "rxd9FWNjdPB9ZXPGwy52YIjfB/aPQemxnnj+SxwLxrGOHA/QTsljBAz7tCMbjL1PaaA7QZ95T0xuAcSsoT2Lxp+4p5irpXM2wfS7MjNtlufOmMDlxh/btqfOs0a0weVNfA+SnK18ciloQtfd/h5peWKjDPHui3kTqcqsZoZR7UX8eo+l+Xp60mpe5Y+lmDYRLrU8X7NgOYF7X3fNkT8Tt7euryEJHkWXpowLJsPvE0JIi/Kjt3a+5d0r9DCDzC6SnxkyX0L6JuZ8CCujTSAFnVoV1nw4vundgxQutpXCAzdrrW64bktyWlZ/v7Uhbz+QRTIli77kjLQFHVPh8fvSqg==",
};

export const KAT_PAY_SIGN = {
  appId: 'wx1a2b3c4d5e6f7a8b',
  timeStamp: '1746101400',
  nonceStr: 'Q2x9aB3cD4eF5gH6iJ7kL8mN9oP0qR1s',
  package: 'prepay_id=wx202505012010003f9c1a7b2d4e6f8a0b1c',
  /** openssl's signature over the four lines of §8.5. */
  paySign: "B2vryV2ZsBzkk9+BGgqcL5UvpIGpYezXPuvuW8lMjoVwU+jK0cjIJgtdEui0rgzUcKnXKYqnXcOyrT79bhbTjpPyTBSzoVAMi7J+SH/fOKSVh9Y5cfKrLiJ1cuzsH7LJsLED51ImKbqooUsIzFDzH+1HjP45VrARyC5J1x/0QthwPVctU30NclzQcXtthqOAsHpCyOG1D6h3mJmPMcquAHxKsTxSLubuWka9zn4m2+qgtzYMtiBWKH1TliCOzQVcUe6tqGtIMyXLFTr92MejWzdi+6kVIRj44azLMmZdRa9IwXYfPjNuL+BxRLSgtAklJolVMqHmGvEtKNUxtrruFg==",
};

export const KAT_GCM = {
  apiV3Key: 'Plaza0sandbox0APIv3key0123456789',
  nonce: 'fdasflkja484',
  associatedData: 'transaction',
  plaintext: "{\"appid\":\"wx1a2b3c4d5e6f7a8b\",\"mchid\":\"1900000109\",\"out_trade_no\":\"689032396800389\",\"transaction_id\":\"4200000000000000000000000001\",\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"支付成功\",\"bank_type\":\"OTHERS\",\"success_time\":\"2025-05-01T20:10:05+08:00\",\"payer\":{\"openid\":\"oX3kA9bQ2c8dE5fG7hJ1kL3mN5pR\"},\"amount\":{\"total\":200,\"payer_total\":200,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}",
  /** base64(ciphertext ‖ tag) from Python cryptography. */
  ciphertext: "XR8l17MlWRhXqPstP0gcZEVlBs46QB9s6ys7mv2LPMbwIfaDhmtWkgNX/A8X/JOQYAURIonW1smIO4WscUntnJi3d6Vgl5o7EXWXk7lQEv1LQg4C29QP7ZrQ7T/9aUAGebfntYAoC5aTYY2uY2LzdgarZY55R1EjCV5Tywo2k6LXaKwiWXZZNVQ8BRCWC5Cdihyu/0X0zVcaqUY1sgIHyZcJRl0xLijjXAwSDowbRUJH0gPUDLLucX/JrljRxW2uGNsjFV0KiY4G5PEhgtVHLjrLcLoBC0Lok6v87NELeqhBaWprduDk8mLO9fzk9bcgliPFzvjSVK2n8ZR5NPn4w2kyvJfF0cusm2KALabxIIb3z6A/63E1kO/HHXWxUumI3W//g6LGV23kyeisPZoDiPNJzaH9Bmz8jWaSnevGjJWxef4Ut8HxgB+XiUllqyuNXhw/4HaJQl3/DiXZjn/ogck4R0mZmKhLjfwRkVF/A1f3rO927esa09bk+9/Iz+7LwJ40Yl29Ii4gTs8kvcsZMtQgX9/3YgSEyx6j6bS5F+wgC6tXDHk=",
};
