/**
 * Request signing, as each venue documents it (HMAC keys; RSA and Ed25519 keys are not supported).
 *
 * Binance (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
 * "SIGNED (TRADE and USER_DATA) Endpoint Security"; the same for COIN-M):
 *   signature = hex(HMAC-SHA256(key = secretKey, message = totalParams)), totalParams = the query
 *   string (a GET has no body), which must carry `timestamp` (ms) and may carry `recvWindow`
 *   (default 5000); `signature` is sent as the query's last parameter; the API key goes in the
 *   `X-MBX-APIKEY` header.
 *
 * Bybit v5 (https://bybit-exchange.github.io/docs/v5/guide, "Authentication"):
 *   X-BAPI-SIGN = hex(HMAC-SHA256(key = secret, message = timestamp + apiKey + recvWindow + queryString))
 *   for a GET (the query string as sent, not sorted), with headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP
 *   (ms) and X-BAPI-RECV-WINDOW; the venue accepts server_time − recv_window ≤ timestamp <
 *   server_time + 1000.
 */
import { createHmac } from 'node:crypto';

/** Both venues' receive window, in milliseconds: their documented default. */
export const RECEIVE_WINDOW_MS = 5000;

export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** `recvWindow=5000&timestamp=…&signature=…`: Binance's signed query, the signature last. */
export function binanceSignedQuery(secret: string, timestamp: number): string {
  const totalParams = new URLSearchParams({ recvWindow: String(RECEIVE_WINDOW_MS), timestamp: String(timestamp) }).toString();
  return `${totalParams}&signature=${hmacSha256Hex(secret, totalParams)}`;
}

/** The four headers of a signed Bybit v5 GET whose query string is `queryString`. */
export function bybitSignedHeaders(key: string, secret: string, timestamp: number, queryString: string): Record<string, string> {
  const recvWindow = String(RECEIVE_WINDOW_MS);
  return {
    'X-BAPI-API-KEY': key,
    'X-BAPI-TIMESTAMP': String(timestamp),
    'X-BAPI-RECV-WINDOW': recvWindow,
    'X-BAPI-SIGN': hmacSha256Hex(secret, `${String(timestamp)}${key}${recvWindow}${queryString}`),
  };
}
