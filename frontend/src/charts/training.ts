/** The GRU's training curve (loss per epoch) for the 模型评估 page: pure `data -> option`. */
import type { EChartsOption } from 'echarts'
import { translate } from '@/i18n'
import { PALETTE } from './palette'

export interface CurvePoint {
  epoch: number
  loss: number
  events_per_second: number
}

/** A line of the loss by epoch, the training speed on a second axis; null without points. */
export function trainingCurveOption(curve: CurvePoint[] | null | undefined): EChartsOption | null {
  if (!curve || curve.length === 0) return null
  const loss = translate('eval.curve.loss')
  const speed = translate('eval.curve.speed')
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    legend: { data: [loss, speed] },
    grid: { left: 56, right: 72, top: 40, bottom: 40 },
    xAxis: { type: 'category', name: translate('eval.curve.epoch'), data: curve.map((p) => String(p.epoch)) },
    yAxis: [
      { type: 'value', name: loss, min: 0 },
      { type: 'value', name: speed, splitLine: { show: false } },
    ],
    series: [
      { name: loss, type: 'line', data: curve.map((p) => p.loss), smooth: true },
      { name: speed, type: 'bar', yAxisIndex: 1, data: curve.map((p) => p.events_per_second), barMaxWidth: 18, z: 1 },
    ],
  }
}
