import React from 'react';
import {useIntl} from 'react-intl';

import type {AppCallStats, CallSummary, PathCallStats} from '../client';
import {callMessages as m} from '../i18n/messages';

const styles: Record<string, React.CSSProperties> = {
    table: {borderCollapse: 'collapse', marginBottom: '4px'},
    th: {textAlign: 'left', fontWeight: 600, padding: '2px 16px 2px 0', verticalAlign: 'top'},
    num: {textAlign: 'right', padding: '2px 16px 2px 0', whiteSpace: 'nowrap'},
    td: {padding: '2px 16px 2px 0', wordBreak: 'break-word'},
    path: {padding: '2px 16px 2px 16px', wordBreak: 'break-word', fontFamily: 'monospace'},
    caption: {textAlign: 'left', fontWeight: 600, padding: '4px 0', captionSide: 'top'},
    note: {marginBottom: '12px', opacity: 0.8},
};

// Go marshals a zero time.Time as this.
const ZERO_TIME_PREFIX = '0001-01-01';

function num(value: unknown): number {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function summary(value: unknown): CallSummary {
    return value && typeof value === 'object' && !Array.isArray(value) ? value as CallSummary : {};
}

// A latency in milliseconds as the server's /apps info shows it.
export function formatLatency(ms: number): string {
    if (ms < 10) {
        return `${ms.toFixed(2)} ms`;
    }
    if (ms < 1000) {
        return `${ms.toFixed(0)} ms`;
    }
    return `${(ms / 1000).toFixed(2)} s`;
}

export function latencies(s: CallSummary): string {
    if (num(s.calls) === 0) {
        return '–';
    }
    return `${formatLatency(num(s.p50_ms))} / ${formatLatency(num(s.p99_ms))}`;
}

// The error classes of a summary ("timeout 2, app_error 1"), most frequent
// first; "ok" is not an error.
export function errorClasses(s: CallSummary): string {
    const outcomes = s.outcomes && typeof s.outcomes === 'object' ? s.outcomes : {};
    const list = Object.entries(outcomes).
        filter(([name, n]) => name !== 'ok' && num(n) > 0).
        sort(([a, x], [b, y]) => (num(y) - num(x)) || a.localeCompare(b));
    return list.length ? list.map(([name, n]) => `${name} ${num(n)}`).join(', ') : '–';
}

function validApps(apps: unknown): AppCallStats[] {
    if (!Array.isArray(apps)) {
        return [];
    }
    return apps.filter((a): a is AppCallStats => Boolean(a) && typeof a === 'object' && typeof (a as AppCallStats).app_id === 'string');
}

function validPaths(paths: unknown): PathCallStats[] {
    if (!Array.isArray(paths)) {
        return [];
    }
    return paths.filter((p): p is PathCallStats => Boolean(p) && typeof p === 'object' && typeof (p as PathCallStats).path === 'string');
}

function Cells({hour, total}: {hour: CallSummary; total: CallSummary}) {
    return (
        <>
            <td style={styles.num}>{num(hour.calls)}</td>
            <td style={styles.num}>{num(hour.errors)}</td>
            <td style={styles.num}>{latencies(hour)}</td>
            <td style={styles.num}>{num(total.calls)}</td>
            <td style={styles.num}>{num(total.errors)}</td>
            <td style={styles.num}>{latencies(total)}</td>
            <td style={styles.td}>{errorClasses(total)}</td>
        </>
    );
}

// The calls this server node made to each app (the status's app_calls):
// a row per app, then a row per path. Only known fields are shown, as
// plain text. Nothing is rendered when the server does not count calls.
export function AppCallsTable({apps, since}: {apps: unknown; since: unknown}) {
    const intl = useIntl();
    if (apps === undefined && since === undefined) {
        return null;
    }
    const list = validApps(apps);
    const title = typeof since === 'string' && since && !since.startsWith(ZERO_TIME_PREFIX) ? intl.formatMessage(m.title, {since}) : intl.formatMessage(m.titleNoTime);
    if (list.length === 0) {
        return (
            <p>
                <strong>{title}</strong>
                {': '}
                {intl.formatMessage(m.none)}
            </p>
        );
    }
    const cols = [m.colApp, m.colCallsHour, m.colErrorsHour, m.colLatencyHour, m.colCalls, m.colErrors, m.colLatency, m.colClasses];
    return (
        <>
            <table style={styles.table}>
                <caption style={styles.caption}>{title}</caption>
                <thead>
                    <tr>
                        {cols.map((c) => (
                            <th
                                key={c.id}
                                scope='col'
                                style={styles.th}
                            >
                                {intl.formatMessage(c)}
                            </th>
                        ))}
                    </tr>
                </thead>
                <tbody>
                    {list.map((app) => (
                        <React.Fragment key={app.app_id}>
                            <tr>
                                <th
                                    scope='row'
                                    style={styles.th}
                                >
                                    {intl.formatMessage(m.allPaths, {app: app.app_id})}
                                </th>
                                <Cells
                                    hour={summary(app.last_hour)}
                                    total={summary(app.since_start)}
                                />
                            </tr>
                            {validPaths(app.paths).map((p) => (
                                <tr key={`${app.app_id} ${p.path}`}>
                                    <td style={styles.path}>{p.path}</td>
                                    <Cells
                                        hour={summary(p.last_hour)}
                                        total={summary(p.since_start)}
                                    />
                                </tr>
                            ))}
                        </React.Fragment>
                    ))}
                </tbody>
            </table>
            <p style={styles.note}>{intl.formatMessage(m.clusterNote)}</p>
        </>
    );
}
