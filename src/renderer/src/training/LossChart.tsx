import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import type { RunLogPoint } from '../../../shared/apiModels';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

/**
 * Live training curves (chart.js): loss on the left axis and validation IoU (0..1) on the right,
 * both against the step. Updated in place without animation as points arrive. The host carries
 * `data-points` (points drawn) so tests can watch the curve grow.
 */
export function LossChart({ points }: { points: RunLogPoint[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line', { x: number; y: number }[]> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'loss',
            data: [],
            borderColor: '#f59e0b',
            backgroundColor: '#f59e0b',
            yAxisID: 'loss',
            pointRadius: 0,
            borderWidth: 1.5,
          },
          {
            label: 'validation IoU',
            data: [],
            borderColor: '#22d3ee',
            backgroundColor: '#22d3ee',
            yAxisID: 'iou',
            pointRadius: 3,
            borderWidth: 1.5,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: 'step', color: '#8b93a5' },
            ticks: { color: '#8b93a5' },
            grid: { color: '#2a2f3a' },
          },
          loss: {
            type: 'linear',
            position: 'left',
            title: { display: true, text: 'loss', color: '#f59e0b' },
            ticks: { color: '#8b93a5' },
            grid: { color: '#2a2f3a' },
          },
          iou: {
            type: 'linear',
            position: 'right',
            min: 0,
            max: 1,
            title: { display: true, text: 'val IoU', color: '#22d3ee' },
            ticks: { color: '#8b93a5' },
            grid: { display: false },
          },
        },
        plugins: { legend: { labels: { color: '#e6e8ee' } } },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.datasets[0].data = points.flatMap((p) => (p.loss === undefined ? [] : [{ x: p.step, y: p.loss }]));
    c.data.datasets[1].data = points.flatMap((p) =>
      p.validationIoU === undefined ? [] : [{ x: p.step, y: p.validationIoU }],
    );
    c.update('none');
  }, [points]);

  return (
    <div className="loss-chart" data-testid="loss-chart" data-points={points.length}>
      <canvas ref={canvas} />
    </div>
  );
}
