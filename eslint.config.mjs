// ESLint: typescript-eslint's strict, type-checked rules on every TypeScript file the project
// type-checks (src, test, bench). Formatting is Prettier's alone: eslint-config-prettier turns off
// the rules that would disagree with it.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'dumps/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // With noUncheckedIndexedAccess every a[i] is `T | undefined`; in the heap-snapshot graph
      // algorithms and the protocol codecs the loop bounds prove the index valid, and `!` says so at no
      // cost in hot loops. no-unnecessary-type-assertion still removes every `!` the types do not need.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Log lines, protocol errors and PV texts embed counts, sizes and offsets everywhere; a number's
      // default text is what they mean. Other types (undefined, objects) are still reported.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // tsc's noUnusedParameters checks parameters too, and both honour `_name` for a parameter an
      // interface gives and one implementation has no use for.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Callback and outcome types (a record support's process(), a subroutine, a guard's verdict) say
      // `X | void` on purpose: an implementation that has nothing to report simply returns nothing.
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        {
          // `(error) => logger.warn(...)` as an event handler is the idiom of every socket adapter here.
          ignoreArrowShorthand: true,
          // `if (bad) return fail(...)` in a void function ends the function; nothing reads the value.
          ignoreVoidReturningFunctions: true,
        },
      ],
    },
  },
  prettier,
);
