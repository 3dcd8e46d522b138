/**
 * Closed set of validation error codes. Senders switch on these, so a code keeps its meaning forever; new codes are
 * additive.
 */
export const FIELD_ERROR_CODES = [
  'required',
  'invalid_type',
  'invalid_value',
  'invalid_format',
  'unknown_action',
  'unknown_field',
  'not_applicable',
  'conflicting_fields',
  'not_finite',
  'must_be_positive',
  'out_of_range',
  'too_many_decimals',
  'too_many_items',
  'too_long',
  'wrong_side',
  'entry_inconsistent',
  'in_past',
  'stale',
  'in_future',
  'empty_modification',
  'unknown_symbol',
  'symbol_not_allowed',
  'unknown_signal',
  'reference_mismatch',
  'not_pending',
  'unparsable',
] as const;

export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** One problem with one field of a request, as listed in the `errors` member of an RFC 7807 problem document. */
export interface FieldError {
  /** Dotted path of the offending field (`takeProfits[1]`), or `body` when the whole body is at fault. */
  readonly field: string;
  readonly code: FieldErrorCode;
  readonly message: string;
}

export function fieldError(field: string, code: FieldErrorCode, message: string): FieldError {
  return { field, code, message };
}
