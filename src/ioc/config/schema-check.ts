// A small validator for JSON configuration: every error names the JSON path and the reason, and
// unknown keys are errors, so that a typo never passes as a default silently.

export type Check<T> = (value: unknown, path: string, errors: string[]) => T | undefined;

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

export const string =
  (options: { nonEmpty?: boolean } = {}): Check<string> =>
  (value, path, errors) => {
    if (typeof value !== 'string') return void errors.push(`${path}: expected a string, got ${describe(value)}`);
    if (options.nonEmpty && value === '') return void errors.push(`${path}: must not be empty`);
    return value;
  };

export const boolean = (): Check<boolean> => (value, path, errors) => {
  if (typeof value !== 'boolean') return void errors.push(`${path}: expected true or false, got ${describe(value)}`);
  return value;
};

export const number =
  (min: number, max: number, options: { integer?: boolean } = {}): Check<number> =>
  (value, path, errors) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return void errors.push(`${path}: expected a number, got ${describe(value)}`);
    }
    if (options.integer && !Number.isInteger(value)) return void errors.push(`${path}: expected an integer, got ${value}`);
    if (value < min || value > max) return void errors.push(`${path}: ${value} is outside ${min}…${max}`);
    return value;
  };

export const oneOf =
  <T extends string>(choices: readonly T[]): Check<T> =>
  (value, path, errors) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      return void errors.push(`${path}: expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };

export const arrayOf =
  <T>(item: Check<T>): Check<T[]> =>
  (value, path, errors) => {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected an array, got ${describe(value)}`);
    const items: T[] = [];
    value.forEach((entry, index) => {
      const checked = item(entry, `${path}[${index}]`, errors);
      if (checked !== undefined) items.push(checked);
    });
    return items;
  };

export const recordOf =
  <T>(item: Check<T>): Check<{ [key: string]: T }> =>
  (value, path, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return void errors.push(`${path}: expected an object, got ${describe(value)}`);
    }
    const result: { [key: string]: T } = {};
    for (const [key, entry] of Object.entries(value)) {
      const checked = item(entry, `${path}.${key}`, errors);
      if (checked !== undefined) result[key] = checked;
    }
    return result;
  };

type Shape = { [key: string]: Check<unknown> };
type Checked<S extends Shape> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never };

/** An object whose keys are all optional and all known; defaults are applied by the caller. */
export const object =
  <S extends Shape>(shape: S): Check<Checked<S>> =>
  (value, path, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return void errors.push(`${path}: expected an object, got ${describe(value)}`);
    }
    const result: { [key: string]: unknown } = {};
    for (const [key, entry] of Object.entries(value)) {
      if (key === '$schema' || key === '$comment') continue;
      const check = shape[key];
      if (!check) {
        errors.push(`${path}.${key}: unknown key (expected one of ${Object.keys(shape).join(', ')})`);
        continue;
      }
      const checked = check(entry, `${path}.${key}`, errors);
      if (checked !== undefined) result[key] = checked;
    }
    return result as Checked<S>;
  };
