// The one shape of validation results: the value, or every field error as a
// code with params (errorLines in field-error-lines.ts turns codes into the user's language).

export interface FieldError<Code extends string = string> {
  field: string;
  code: Code;
  params?: Record<string, string | number>;
}

export type ParseResult<T, Code extends string = string> = { ok: true; value: T } | { ok: false; errors: FieldError<Code>[] };
