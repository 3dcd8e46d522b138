export * from './field-error';
export * from './signal';
export * from './numbers';
export * from './validate-signal';
export * from './check-reference';
export * from './tradingview';
export * from './ids';
export * from './time';
