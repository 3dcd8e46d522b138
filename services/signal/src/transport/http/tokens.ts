/** Nest injection token of the SignalIngest handler. */
export const SIGNAL_INGEST = Symbol('SIGNAL_INGEST');
/** Nest injection token of the AdminApi handler. */
export const SIGNAL_ADMIN = Symbol('SIGNAL_ADMIN');
