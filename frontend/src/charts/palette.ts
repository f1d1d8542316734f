/** Colours shared by every chart, led by the app's red accent. */
export const PALETTE = [
  '#d43c33', '#f08a5d', '#f9c74f', '#90be6d', '#43aa8b', '#4d908e', '#577590', '#7b2ff7', '#b5179e', '#8d99ae',
]

/** Sentiment colours: negative, neutral, positive. */
export const SENTIMENT_COLORS = { negative: '#577590', neutral: '#f9c74f', positive: '#d43c33' } as const
