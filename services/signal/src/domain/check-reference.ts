import { FieldError, fieldError } from './field-error';
import { ReferencedSignal, ValidatedSignal } from './signal';
import { checkSides } from './validate-signal';

/**
 * Checks a modify/close/cancel against the signal it refers to, as loaded by the application (undefined when no
 * signal of the same source matches). Returns no errors for an open, which refers to nothing.
 */
export function checkReference(signal: ValidatedSignal, referenced: ReferencedSignal | undefined): readonly FieldError[] {
  if (signal.action === 'open') return [];
  const refField = signal.ref.kind === 'signalId' ? 'refSignalId' : 'refExternalId';
  if (referenced === undefined) {
    return [fieldError(refField, 'unknown_signal', `no signal ${signal.ref.value} from this source is known`)];
  }
  if (referenced.action !== 'open') {
    return [fieldError(refField, 'reference_mismatch', `signal ${signal.ref.value} is a ${referenced.action}, not an open; refer to the open signal`)];
  }
  const errors: FieldError[] = [];
  if (signal.symbol !== null && referenced.symbol !== null && signal.symbol !== referenced.symbol) {
    errors.push(fieldError('symbol', 'reference_mismatch', `signal ${signal.ref.value} is for ${referenced.symbol}, not ${signal.symbol}`));
  }
  if (signal.action === 'cancel' && referenced.orderType === 'market') {
    errors.push(fieldError(refField, 'not_pending', `signal ${signal.ref.value} opened at market; there is no pending order to cancel`));
  }
  if (signal.action === 'modify' && referenced.direction !== null) {
    checkSides({ fail: (field, code, message) => errors.push(fieldError(field, code, message)) }, referenced.direction, null, signal.stopLoss, signal.takeProfits);
  }
  return errors;
}
