import { describe, expect, it } from 'vitest'
import {
  MNEMONIC_WORDS,
  generateMnemonic,
  mnemonicFromEntropy,
  mnemonicToEntropy,
  mnemonicToSeed,
  validateMnemonic,
} from '../../../src/main/keys/mnemonic'
import { KeysError } from '../../../src/main/keys/errors'
import { codeOf, codeOfSync, fromHex, hex, loadFixture } from './helpers'

interface Bip39Fixture {
  passphrase: string
  vectors: [entropy: string, mnemonic: string, seed: string][]
}

const fixture = await loadFixture<Bip39Fixture>('bip39-trezor-english.json')
const ABOUT =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'

describe('BIP39 Trezor vectors (english, passphrase TREZOR)', () => {
  it('covers 12, 18 and 24-word phrases', () => {
    const lengths = new Set(fixture.vectors.map(([, words]) => words.split(' ').length))
    expect([...lengths].sort()).toEqual([12, 18, 24])
  })

  it.each(fixture.vectors)('%s', async (entropy, mnemonic, seed) => {
    expect(hex(await mnemonicToSeed(mnemonic, fixture.passphrase))).toBe(seed)
    expect(hex(mnemonicToEntropy(mnemonic))).toBe(entropy)
    expect(mnemonicFromEntropy(fromHex(entropy))).toBe(mnemonic)
    expect(validateMnemonic(mnemonic)).toBe(true)
  })
})

describe('mnemonic', () => {
  it('generates 24 valid words, different each time', () => {
    const first = generateMnemonic()
    expect(first.split(' ')).toHaveLength(MNEMONIC_WORDS)
    expect(validateMnemonic(first)).toBe(true)
    expect(mnemonicToEntropy(first)).toHaveLength(32)
    expect(generateMnemonic()).not.toBe(first)
  })

  it('rejects a bad checksum, an unknown word and a wrong word count', () => {
    const badChecksum = ABOUT.replace(/about$/u, 'abandon')
    for (const phrase of [badChecksum, ABOUT.replace('about', 'aboot'), 'abandon about', '']) {
      expect(validateMnemonic(phrase)).toBe(false)
      expect(codeOfSync(() => mnemonicToEntropy(phrase))).toBe('ERR_BAD_MNEMONIC')
    }
  })

  it('never quotes the phrase in its error message', async () => {
    const phrase = ABOUT.replace(/about$/u, 'zebra')
    const error = await mnemonicToSeed(phrase).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeysError)
    expect((error as Error).message).not.toMatch(/abandon|zebra/u)
  })

  it('tolerates extra whitespace and capitals, which no valid phrase contains', async () => {
    const messy = `  ${ABOUT.toUpperCase().replaceAll(' ', ' \t ')}\n`
    expect(hex(await mnemonicToSeed(messy, 'TREZOR'))).toBe(fixture.vectors[0]?.[2])
  })

  it('NFKD-normalises the passphrase', async () => {
    const composed = await mnemonicToSeed(ABOUT, 'caf\u00e9')
    const decomposed = await mnemonicToSeed(ABOUT, 'cafe\u0301')
    expect(hex(composed)).toBe(hex(decomposed))
    expect(hex(composed)).not.toBe(hex(await mnemonicToSeed(ABOUT, 'cafe')))
  })

  it('checks entropy length', async () => {
    expect(codeOfSync(() => mnemonicFromEntropy(new Uint8Array(15)))).toBe('ERR_BAD_BYTES')
    expect(codeOfSync(() => mnemonicFromEntropy(new Uint8Array(18)))).toBe('ERR_BAD_BYTES')
    expect(await codeOf(mnemonicToSeed('not a mnemonic'))).toBe('ERR_BAD_MNEMONIC')
  })
})
