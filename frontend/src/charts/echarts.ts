/**
 * Registers the ECharts pieces the app draws with (tree-shaken core + the two plugins).
 * Imported once by ChartBox; add a chart type or component here when a builder needs it.
 */
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, GaugeChart, HeatmapChart, LineChart, PieChart, RadarChart, ScatterChart } from 'echarts/charts'
import {
  CalendarComponent, DataZoomComponent, DatasetComponent, GraphicComponent, GridComponent, LegendComponent,
  MarkLineComponent, MarkPointComponent, PolarComponent, RadarComponent, TimelineComponent, TitleComponent,
  ToolboxComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components'
// Both plugins register their series types on the shared echarts core when imported.
import 'echarts-wordcloud'
import 'echarts-liquidfill'

use([
  CanvasRenderer,
  BarChart, GaugeChart, HeatmapChart, LineChart, PieChart, RadarChart, ScatterChart,
  CalendarComponent, DataZoomComponent, DatasetComponent, GraphicComponent, GridComponent, LegendComponent,
  MarkLineComponent, MarkPointComponent, PolarComponent, RadarComponent, TimelineComponent, TitleComponent,
  ToolboxComponent, TooltipComponent, VisualMapComponent,
])
