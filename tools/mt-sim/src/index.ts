// Public API of @tradebridge/mt-sim: start the simulator in-process and drive it through its admin API.
export { startSimulator, DEFAULT_MANUAL_START } from './simulator';
export type { SimulatorOptions, RunningSimulator } from './simulator';
export { SimAdminClient, SimAdminError } from './admin/client';
export type { AccountView, ClockView, MarketView, PriceChange, FaultView } from './admin/client';
export type { AccountInput } from './domain/account-spec';
export type { FaultSpec, FaultKind, FaultPath } from './domain/faults';
export { FAULT_KINDS } from './domain/faults';
export type { LedgerEntry, LedgerFilter, LedgerOutcome } from './domain/ledger';
export type { TriggerEvent } from './domain/triggers';
export type { AccountConfig, SymbolSpec, TradeResponse, Platform, MarginMode } from './domain/types';
export { DEFAULT_SYMBOLS } from './domain/symbols';
export { MT4_CODES, MT5_CODES } from './domain/code-tables';
export type { CodeRow } from './domain/code-tables';
export { startSimulatorProcess } from './process';
export type { SimulatorProcess, SimulatorProcessOptions } from './process';
