// @types/jest gives the asymmetric matchers the type `any`, so an expected object holding one is an
// unsafe `any` assignment to the type-aware lint. These are the same matchers typed `unknown`, which
// is all an expected value needs.

/** A string that `pattern` matches (expect.stringMatching). */
export function textMatching(pattern: string | RegExp): unknown {
  return expect.stringMatching(pattern);
}

/** A string that contains `part` (expect.stringContaining). */
export function textContaining(part: string): unknown {
  return expect.stringContaining(part);
}

/** Any value made by `type`, or of its primitive type for String, Number… (expect.any). */
export function anyOf(type: unknown): unknown {
  return expect.any(type);
}
