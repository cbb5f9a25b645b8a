/** Where votes on a proposal come from. Only `import` is stored by this version; the others plug in later. */
export const VOTE_SOURCES = ['governor', 'snapshot', 'import'] as const
export type VoteSource = (typeof VOTE_SOURCES)[number]
