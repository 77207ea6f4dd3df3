/** The pages of the app, in navigation order. */
export const PAGES = [
  { id: 'status', title: 'Status' },
  { id: 'wallet', title: 'Wallet' },
  { id: 'exchange', title: 'Exchange' },
  { id: 'liquidity', title: 'Liquidity' },
  { id: 'keys', title: 'Keys' },
  { id: 'signing', title: 'Offline signing' },
  { id: 'settings', title: 'Settings' },
] as const

export type PageId = (typeof PAGES)[number]['id']
