import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { CodedError } from '../../shared/errors'

/** Errors of reading secrets and answers; messages never quote what was read. */
export class PromptError extends CodedError<
  'ERR_USAGE' | 'ERR_SECRET_FILE' | 'ERR_SECRET_MISMATCH' | 'ERR_CANCELLED'
> {}

/** Where one secret comes from: the file a flag names, else the terminal. */
export interface SecretSource {
  /** The file named on the command line, if any. */
  readonly file: string | undefined
  /** The flag that names the file, for messages: "--password-file". */
  readonly flag: string
  /** What is asked for, for the prompt and messages: "wallet password". */
  readonly label: string
}

/** Secret files hold one line; anything much larger is not one. */
const MAX_SECRET_FILE_BYTES = 64 * 1024

/** Lines that arrived with an earlier answer (pasted together), for the next questions. */
const typedAhead: string[] = []

/** True when there is a person at the keyboard to ask. */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true
}

/** The first line of a secret file, without its line ending. */
async function readSecretFile(file: string, flag: string): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch {
    // The path is not echoed: a password typed where its file name belongs would be shown.
    throw new PromptError('ERR_SECRET_FILE', `cannot read the file named by ${flag}`)
  }
  if (bytes.length > MAX_SECRET_FILE_BYTES) {
    throw new PromptError('ERR_SECRET_FILE', `the file named by ${flag} is not a one-line file`)
  }
  const text = bytes.toString('utf8')
  bytes.fill(0)
  return text.split(/\r?\n/u, 1)[0] ?? ''
}

/**
 * Asks one question on the terminal and resolves to the line typed. With `echo` off, keystrokes
 * are echoed into a sink instead of the screen. Ctrl-C or Ctrl-D cancels.
 */
async function ask(question: string, echo: boolean): Promise<string> {
  const early = typedAhead.shift()
  if (early !== undefined) {
    process.stderr.write(`${question}\n`)
    return early
  }
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
  const rl = createInterface({
    input: process.stdin,
    output: echo ? process.stderr : sink,
    prompt: question,
    terminal: true,
  })
  if (!echo) process.stderr.write(question)
  rl.prompt()
  try {
    return await new Promise<string>((resolve, reject) => {
      let answered = false
      rl.on('line', (line) => {
        // Lines pasted together arrive here synchronously, before this interface closes.
        if (answered) typedAhead.push(line)
        else resolve(line)
        answered = true
      })
      rl.once('SIGINT', () => reject(new PromptError('ERR_CANCELLED', 'cancelled')))
      rl.once('close', () => reject(new PromptError('ERR_CANCELLED', 'cancelled')))
    })
  } finally {
    rl.close()
    if (!echo) process.stderr.write('\n')
  }
}

/** The secret from its file, else from a question, else a usage error naming the flag. */
async function fromFileOrAsk(
  source: SecretSource,
  askPerson: () => Promise<string>,
): Promise<string> {
  if (source.file !== undefined) return readSecretFile(source.file, source.flag)
  if (!canPrompt()) {
    throw new PromptError(
      'ERR_USAGE',
      `no terminal to ask for the ${source.label}: pass ${source.flag} FILE`,
    )
  }
  return askPerson()
}

/** Asks for a new secret twice, so a typing mistake cannot lock the person out. */
async function askTwice(first: string, label: string): Promise<string> {
  const again = await ask(`Repeat the ${label}: `, false)
  if (again !== first) throw new PromptError('ERR_SECRET_MISMATCH', `the two ${label}s differ`)
  return first
}

/** A secret that exists already (e.g. the wallet password): from its file, else asked once. */
export async function readSecret(source: SecretSource): Promise<string> {
  return fromFileOrAsk(source, () => ask(`${capitalize(source.label)}: `, false))
}

/** A secret chosen now (e.g. a new password): from its file, else asked twice. */
export async function readNewSecret(source: SecretSource): Promise<string> {
  return fromFileOrAsk(source, async () =>
    askTwice(await ask(`New ${source.label}: `, false), source.label),
  )
}

/**
 * A secret that may be empty (the BIP39 passphrase): from its file, else asked (twice unless
 * empty), else empty when there is no terminal to ask.
 */
export async function readOptionalSecret(source: SecretSource): Promise<string> {
  if (source.file === undefined && !canPrompt()) return ''
  return fromFileOrAsk(source, async () => {
    const first = await ask(`${capitalize(source.label)} (empty for none): `, false)
    return first === '' ? '' : askTwice(first, source.label)
  })
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is a yes. */
export async function confirm(question: string): Promise<boolean> {
  if (!canPrompt()) throw new PromptError('ERR_USAGE', `no terminal to ask "${question}"`)
  const answer = await ask(`${question} [y/N] `, true)
  return /^\s*y(?:es)?\s*$/iu.test(answer)
}

/**
 * Asks the person to re-type a few words of a phrase just shown (on a terminal only), until they
 * match: proof that the phrase was written down before the wallet depends on it.
 */
export async function confirmWords(
  words: readonly string[],
  positions: readonly number[],
): Promise<void> {
  if (!canPrompt()) return
  for (const i of positions) {
    for (;;) {
      const answer = await ask(`Word #${i + 1}: `, true)
      if (answer.trim().toLowerCase() === words[i]) break
      process.stderr.write('That is not the word shown; check what you wrote down.\n')
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
