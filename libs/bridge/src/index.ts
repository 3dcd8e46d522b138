/**
 * @tradebridge/bridge: one port (`TradingTerminal`) for MetaTrader 4/5 accounts with one normalized `TradeResult`;
 * the complete MT5/MT4/MetaApi code-to-handling mapping; the MetaApi REST adapter (`MetaApiTerminal`); and
 * connection management per account (`TerminalConnection`, `ConnectionManager`) with health states, circuit
 * breakers, reconnection, failover and quality metrics. See libs/bridge/README.md.
 */
export type { TradingTerminal } from './port/trading-terminal';
export * from './port/types';
export * from './errors';
export {
  BRIDGE_CODES,
  BRIDGE_RULES,
  MT4_RULES,
  MT5_RULES,
  HANDLING_CLASSES,
  certainlyNotExecuted,
  classifyTradeCode,
  type AccountPlatform,
  type BridgeCodeName,
  type CodeClassification,
  type CodePlatform,
  type CodeRule,
  type HandlingClass,
  type ModifyHint,
} from './domain/trade-codes';
export { MT5_RETCODES, type Mt5RetcodeRow, type RetryableGuess } from './codes/mt5-retcodes';
export { MT4_ERRORS, type Mt4ErrorRow } from './codes/mt4-errors';
export { CLIENT_ID_LENGTH, MAX_CLIENT_ID_AND_COMMENT, MAX_COMMENT_LENGTH, clientIdFor, isBridgeClientId } from './domain/client-id';
export { DEFAULT_RECONNECT_BACKOFF, backoffDelay, type BackoffPolicy } from './domain/backoff';
export { CircuitBreaker, type BreakerSnapshot, type BreakerState, type CircuitBreakerOptions } from './domain/circuit-breaker';
export { QualityWindow, type QualitySnapshot, type QualityWindowOptions } from './domain/quality-window';
export {
  DEFAULT_HEALTH_THRESHOLDS,
  deriveConnectionState,
  type ConnectionState,
  type HealthReason,
  type HealthThresholds,
} from './domain/connection-health';
export {
  MetaApiTerminal,
  metaApiRegionUrl,
  type MetaApiTerminalOptions,
  type MetaApiTimeouts,
  type ReadRetryPolicy,
} from './adapters/metaapi/metaapi-terminal';
export { createMetaApiAgent, type MetaApiAgentOptions } from './adapters/metaapi/http-transport';
export { SecretNotFoundError, SecretResolver, secretEnvName, type SecretResolverOptions } from './adapters/credentials/secrets';
export {
  TerminalConnection,
  errorVerdict,
  isConnectivityError,
  isConnectivityFailure,
  tradeVerdict,
  type Verdict,
  type CallRecord,
  type ConnectionSnapshot,
  type ConnectionTransition,
  type Endpoint,
  type FailoverEvent,
  type TerminalConnectionEvents,
  type TerminalConnectionOptions,
} from './connection/terminal-connection';
export {
  ConnectionManager,
  type AccountEndpointConfig,
  type ConnectionManagerEvents,
  type ConnectionManagerOptions,
} from './connection/connection-manager';
