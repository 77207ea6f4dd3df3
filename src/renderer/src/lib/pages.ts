/** The pages of the app, in navigation order. */
export const PAGES = [
  { id: 'status', title: 'Status' },
  { id: 'keys', title: 'Keys' },
  { id: 'signing', title: 'Offline signing' },
  { id: 'settings', title: 'Settings' },
] as const

export type PageId = (typeof PAGES)[number]['id']
