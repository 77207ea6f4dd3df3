// Flat config. The layering rules of DESIGN.md section 4 live here so nobody has to remember them.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'crypto',
  'os',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'util',
  'events',
]

/** Builds a no-restricted-imports rule from forbidden module names and path patterns. */
function forbid(message, names) {
  return ['error', { patterns: [{ group: names, message }] }]
}

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
      globals: globals.browser,
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-console': 'off' },
  },
  // src/shared is pure: no electron, no node modules, nothing from main or renderer.
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': forbid('src/shared must stay pure (DESIGN.md section 4).', [
        'electron',
        'ws',
        'classic-level',
        ...NODE_BUILTINS,
        '**/main/**',
        '**/renderer/**',
        '**/preload/**',
      ]),
    },
  },
  // The node and the keys run in plain Node: never electron, never the app shell or IPC layer.
  {
    files: ['src/main/node/**', 'src/main/keys/**', 'src/main/host/**'],
    rules: {
      'no-restricted-imports': forbid(
        'src/main/node and src/main/keys must run without Electron (DESIGN.md section 4).',
        ['electron', 'electron-store', '**/app/**', '**/ipc/electron*', '**/renderer/**'],
      ),
    },
  },
  // The renderer is untrusted and sees only the shared contract.
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': forbid(
        'The renderer imports only src/shared (DESIGN.md section 4).',
        ['electron', 'ws', 'classic-level', ...NODE_BUILTINS, '**/main/**', '**/preload/**'],
      ),
    },
  },
  // The CLI is the one place in main that writes to the terminal directly.
  {
    files: ['src/main/cli.ts', 'src/main/cli/**', 'scripts/**', 'bench/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
)
