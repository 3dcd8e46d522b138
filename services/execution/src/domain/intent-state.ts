/**
 * The life of an order intent in the execution service. An intent is recorded as RECEIVED before anything is sent,
 * moves to IN_FLIGHT (committed) right before each broker request, and ends in one final state.
 */
export type IntentState =
  | 'RECEIVED'
  | 'IN_FLIGHT'
  | 'RETRY_SCHEDULED'
  | 'UNKNOWN'
  | 'FILLED'
  | 'PLACED'
  | 'DONE'
  | 'REJECTED'
  | 'EXPIRED'
  | 'ABANDONED';

/** States after which nothing is ever sent for the intent again. */
export const FINAL_STATES: ReadonlySet<IntentState> = new Set<IntentState>(['FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED']);

/** True when the intent has its final result. */
export function isFinal(state: IntentState): boolean {
  return FINAL_STATES.has(state);
}

const TRANSITIONS: Readonly<Record<IntentState, readonly IntentState[]>> = {
  // Nothing was sent yet: send, wait, or end without sending.
  RECEIVED: ['IN_FLIGHT', 'RETRY_SCHEDULED', 'REJECTED', 'EXPIRED', 'ABANDONED'],
  // A request may be at the broker: its answer decides, or it is unknown and must be reconciled.
  IN_FLIGHT: ['IN_FLIGHT', 'RETRY_SCHEDULED', 'UNKNOWN', 'FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED'],
  RETRY_SCHEDULED: ['IN_FLIGHT', 'RETRY_SCHEDULED', 'REJECTED', 'EXPIRED', 'ABANDONED'],
  // Only the terminal can say what happened: reconciliation finds the result, or proves nothing executed.
  UNKNOWN: ['UNKNOWN', 'IN_FLIGHT', 'RETRY_SCHEDULED', 'FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED'],
  FILLED: [],
  PLACED: [],
  DONE: [],
  REJECTED: [],
  EXPIRED: [],
  ABANDONED: [],
};

/** Raised when code tries a transition the state machine does not allow: a bug, never a broker outcome. */
export class InvalidTransitionError extends Error {
  constructor(
    readonly from: IntentState,
    readonly to: IntentState,
  ) {
    super(`intent state cannot go from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/** True when `from -> to` is allowed. */
export function canTransition(from: IntentState, to: IntentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws InvalidTransitionError unless `from -> to` is allowed. */
export function assertTransition(from: IntentState, to: IntentState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

/**
 * What to do with an intent found in the table when its message arrives (again) or the scheduler picks it up.
 * `execute`: nothing was sent (or the last request certainly did nothing), go on; `reconcile`: a request may have
 * reached the broker, ask the terminal first; `republish`: the result exists, publish it again and send nothing;
 * `wait`: a retry is scheduled, leave it to the scheduler.
 */
export type ResumeAction = 'execute' | 'reconcile' | 'republish' | 'wait';

/** Decides how to resume an intent from its recorded state. */
export function resumeActionFor(state: IntentState, scheduledDue: boolean): ResumeAction {
  switch (state) {
    case 'RECEIVED':
      return 'execute';
    case 'IN_FLIGHT':
    case 'UNKNOWN':
      return 'reconcile';
    case 'RETRY_SCHEDULED':
      return scheduledDue ? 'execute' : 'wait';
    case 'FILLED':
    case 'PLACED':
    case 'DONE':
    case 'REJECTED':
    case 'EXPIRED':
    case 'ABANDONED':
      return 'republish';
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}
