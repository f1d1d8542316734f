/** Pie / doughnut option builder: the example every other builder follows (pure `data -> option`). */
import type { DefaultLabelFormatterCallbackParams, EChartsOption, TooltipComponentFormatterCallbackParams } from 'echarts'
import { translate } from '@/i18n'
import { escapeHtml } from '@/utils/html'
import { PALETTE } from './palette'

export interface PieSlice {
  name: string
  value: number
}

export interface PieOptions {
  /** Draw a ring instead of a full pie. */
  donut?: boolean
  /** Keep the largest N slices and fold the rest into one `otherLabel` slice. */
  maxSlices?: number
  otherLabel?: string
  /** Series name shown in the tooltip. */
  seriesName?: string
}

/** Largest first; slices beyond `maxSlices` summed into one "other" slice; non-positive values dropped. */
export function foldSlices(slices: PieSlice[], maxSlices = Infinity, otherLabel = translate('chart.other')): PieSlice[] {
  const sorted = slices.filter((slice) => slice.value > 0).sort((a, b) => b.value - a.value)
  if (sorted.length <= maxSlices) return sorted
  const kept = sorted.slice(0, Math.max(0, maxSlices - 1))
  const rest = sorted.slice(kept.length).reduce((sum, slice) => sum + slice.value, 0)
  return [...kept, { name: otherLabel, value: rest }]
}

/** One slice's tooltip line (HTML): `name: value (percent%)`, the name escaped. */
function sliceTip(p: DefaultLabelFormatterCallbackParams): string {
  return `${escapeHtml(p.name)}: ${escapeHtml(p.value)} (${p.percent}%)`
}

/** Build the option for a pie of `slices`; returns null when there is nothing to draw (ChartBox shows "empty"). */
export function pieOption(slices: PieSlice[], options: PieOptions = {}): EChartsOption | null {
  const data = foldSlices(slices, options.maxSlices, options.otherLabel)
  if (data.length === 0) return null
  return {
    color: PALETTE,
    // Functions rather than '{b}' templates, so a slice name (a playlist tag, say) is never read as a
    // template; the tooltip is HTML, so its name is escaped.
    tooltip: { trigger: 'item', formatter: (p: TooltipComponentFormatterCallbackParams) => [p].flat().map(sliceTip).join('') },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        type: 'pie',
        name: options.seriesName ?? '',
        radius: options.donut ? ['38%', '58%'] : '58%',
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: '#fff', borderWidth: 2, borderRadius: options.donut ? 6 : 0 },
        label: { formatter: (p: DefaultLabelFormatterCallbackParams) => `${p.name}\n${p.percent}%` },
        data,
      },
    ],
  }
}
