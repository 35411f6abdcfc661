import { createConfigSnapshot, loadYaml } from '@minipilot/config';
import { createDiscoveryMetrics, ISTIOD_BUCKETS, pushTriggerFor } from './metrics.js';

// The recording API the push pipeline calls: every istiod metric exists with istiod's type, labels and
// buckets, and moves when its function is called.

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('createDiscoveryMetrics', () => {
  it('histograms use istiod\'s names and buckets and move when observed', async () => {
    const m = createDiscoveryMetrics();
    m.observeConvergence(0.2);
    m.observeQueueTime(0.05);
    m.observeDebounce(0.15);
    m.observePushTime('cds', 0.02);
    m.observeSendTime(0.001);
    const text = await m.registry.metrics();
    const cases: [string, readonly number[], string][] = [
      ['pilot_proxy_convergence_time', ISTIOD_BUCKETS.convergence, 'le="0.5"'],
      ['pilot_proxy_queue_time', ISTIOD_BUCKETS.convergence, 'le="0.1"'],
      ['pilot_debounce_time', ISTIOD_BUCKETS.debounce, 'le="0.5"'],
      ['pilot_xds_push_time', ISTIOD_BUCKETS.pushTime, 'le="0.1",type="cds"'],
      ['pilot_xds_send_time', ISTIOD_BUCKETS.sendTime, 'le="0.01"'],
    ];
    for (const [name, buckets, firstHit] of cases) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} histogram$`, 'm'));
      const les = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"`, 'gm'))].map((x) => x[1]);
      const perType = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)",type="cds"`, 'gm'))].map((x) => x[1]);
      expect((les.length > 0 ? les : perType)).toEqual([...buckets.map(String), '+Inf']);
      expect(text).toContain(`${name}_bucket{${firstHit}} 1`);
    }
    expect(value(text, 'pilot_xds_push_time_count{type="cds"}')).toBe(1);
  });

  it('counters have no _total suffix and count triggers, config and registry events by kind', async () => {
    const m = createDiscoveryMetrics();
    const before = createConfigSnapshot(loadYaml('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, namespace: default}\nspec: {hosts: [a], http: [{route: [{destination: {host: a}}]}]}\n').objects);
    const after = createConfigSnapshot(loadYaml('apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\nspec: {ports: [{port: 80}]}\n').objects);
    m.recordConfigChanges(before, after, new Set(['VirtualService/default/a', 'Service/default/a']));
    m.pushTrigger(pushTriggerFor(new Set(['VirtualService/default/a'])));
    m.pushTrigger(pushTriggerFor(new Set(['EndpointSlice/default/a-1', 'Pod/default/a-0'])));
    const text = await m.registry.metrics();
    expect(text).toMatch(/^# TYPE pilot_k8s_cfg_events counter$/m);
    expect(text).not.toMatch(/^pilot_\w+_total/m);
    expect(value(text, 'pilot_k8s_cfg_events{type="VirtualService",event="delete"}')).toBe(1);
    expect(value(text, 'pilot_k8s_reg_events{type="Service",event="add"}')).toBe(1);
    expect(value(text, 'pilot_inbound_updates{type="config"}')).toBe(1);
    expect(value(text, 'pilot_inbound_updates{type="svc"}')).toBe(1);
    expect(value(text, 'pilot_push_triggers{type="config"}')).toBe(1);
    expect(value(text, 'pilot_push_triggers{type="endpoint"}')).toBe(1);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});
