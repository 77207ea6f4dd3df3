/** The pages of the app, in navigation order. */
export const PAGES = [
  { id: 'status', title: 'Status' },
  { id: 'network', title: 'Network' },
  { id: 'validators', title: 'Validators' },
  { id: 'wallet', title: 'Wallet' },
  { id: 'exchange', title: 'Exchange' },
  { id: 'liquidity', title: 'Liquidity' },
  { id: 'bridge', title: 'Bridge' },
  { id: 'staking', title: 'Staking' },
  { id: 'keys', title: 'Keys' },
  { id: 'signing', title: 'Offline signing' },
  { id: 'settings', title: 'Settings' },
] as const

export type PageId = (typeof PAGES)[number]['id']
