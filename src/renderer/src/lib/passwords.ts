/** Shortest password accepted for anything new (wallet, exported keystore). */
export const MIN_PASSWORD_LENGTH = 8

/** Whether a new password and its repetition may be submitted. */
export function newPasswordReady(password: string, repeat: string): boolean {
  return password.length >= MIN_PASSWORD_LENGTH && password === repeat
}
