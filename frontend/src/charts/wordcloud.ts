/** Word-cloud option builder (echarts-wordcloud): pure `terms -> option`. */
import type { EChartsCoreOption } from 'echarts/core'
import { translate } from '@/i18n'
import { escapeHtml } from '@/utils/html'
import { PALETTE } from './palette'

export interface Term {
  name: string
  value: number
}

/** Font size range in px for the least and the most frequent term. */
export const FONT_RANGE: [number, number] = [12, 56]

/** Colour of the i-th term: the palette's warm colours first, so top terms stand out. */
export function termColor(index: number): string {
  return PALETTE[index % PALETTE.length]!
}

/** A word cloud of `terms` (most frequent first); null when there is nothing to draw. */
export function wordCloudOption(terms: Term[] | null | undefined, seriesName = translate('chart.wordFrequency'), shape = 'circle'): EChartsCoreOption | null {
  const data = (terms ?? []).filter((t) => t.value > 0 && t.name.trim() !== '')
  if (data.length === 0) return null
  return {
    backgroundColor: 'transparent',
    tooltip: { show: true, formatter: (p: { name: string; value: number }) => `${escapeHtml(p.name)}: ${escapeHtml(translate('chart.times', { count: p.value }))}` },
    series: [{
      type: 'wordCloud', name: seriesName, shape, left: 'center', top: 'center', width: '96%', height: '92%',
      sizeRange: FONT_RANGE, rotationRange: [0, 0], gridSize: 6, drawOutOfBound: false, layoutAnimation: true,
      textStyle: { fontWeight: 'bold' },
      emphasis: { focus: 'self', textStyle: { textShadowBlur: 6, textShadowColor: 'rgba(0,0,0,0.35)' } },
      data: data.map((t, i) => ({ ...t, textStyle: { color: termColor(i) } })),
    }],
  }
}
