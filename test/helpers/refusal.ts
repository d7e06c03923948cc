/** The message of the error `run` throws, which must be a `kind`; fails the test when it throws nothing. */
export function refusalOf(run: () => unknown, kind: abstract new (...args: never[]) => Error): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return (error as Error).message;
  }
  throw new Error('not refused');
}
