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
  },
  prettier,
);
