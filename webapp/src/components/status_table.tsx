import React from 'react';
import {useIntl} from 'react-intl';
import type {IntlShape} from 'react-intl';

import type {InstalledAppStatus, PluginStatus} from '../client';
import {statusMessages as m} from '../i18n/messages';

interface Row {
    label: string;
    value: string;
}

// Go marshals a zero time.Time as this; it means "never".
const ZERO_TIME_PREFIX = '0001-01-01';

function text(value: unknown, fallback: string): string {
    return typeof value === 'string' && value.trim() ? value : fallback;
}

function count(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function time(value: unknown, never: string): string {
    return typeof value === 'string' && value && !value.startsWith(ZERO_TIME_PREFIX) ? value : never;
}

function withSource(intl: IntlShape, value: unknown, source: unknown): string {
    const shown = text(value, intl.formatMessage(m.notConfigured));
    if (typeof source === 'string' && source.trim()) {
        return intl.formatMessage(m.withSource, {value: shown, source});
    }
    return shown;
}

function yesNo(intl: IntlShape, value: unknown, yes: string, no: string): string {
    if (value === true) {
        return yes;
    }
    if (value === false) {
        return no;
    }
    return intl.formatMessage(m.unknown);
}

// Only the known fields are shown, each turned into plain text: whatever else
// the server might send is never rendered.
export function statusRows(intl: IntlShape, status: PluginStatus): Row[] {
    const f = intl.formatMessage;
    let reachable = yesNo(intl, status.bucket_reachable, f(m.yes), f(m.no));
    if (status.bucket_reachable === false && typeof status.bucket_error === 'string' && status.bucket_error) {
        reachable = f(m.noWithReason, {reason: status.bucket_error});
    }

    const apps = count(status.catalog_size);
    const manifests = count(status.catalog_manifests);
    let catalog = f(m.unknown);
    if (apps !== undefined && manifests !== undefined) {
        catalog = f(m.appsDetail, {count: apps, manifests, skipped: count(status.catalog_skipped) ?? 0});
    } else if (apps !== undefined) {
        catalog = f(m.apps, {count: apps});
    }

    const problems = Array.isArray(status.problems) ? status.problems.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [];
    const never = f(m.never);
    const rows: Row[] = [
        {label: f(m.rowVersion), value: text(status.plugin_version, f(m.unknown))},
        {label: f(m.rowCredentials), value: yesNo(intl, status.credentials_set, f(m.set), f(m.notSet))},
        {label: f(m.rowRegion), value: withSource(intl, status.region, status.region_source)},
        {label: f(m.rowBucket), value: withSource(intl, status.bucket, status.bucket_source)},
        {label: f(m.rowS3Endpoint), value: text(status.s3_endpoint, f(m.awsDefault))},
        {label: f(m.rowLambdaEndpoint), value: text(status.lambda_endpoint, f(m.awsDefault))},
        {label: f(m.rowReachable), value: reachable},
        {label: f(m.rowProblems), value: problems.length ? problems.join('\n') : f(m.none)},
        {label: f(m.rowCatalog), value: catalog},
        {label: f(m.rowCatalogSource), value: yesNo(intl, status.from_cache, f(m.fromCache), f(m.fromS3))},
        {label: f(m.rowLastSync), value: time(status.last_sync, never)},
        {label: f(m.rowLastAttempt), value: time(status.last_sync_attempt, never)},
        {label: f(m.rowLastError), value: text(status.last_error, f(m.none))},
        {label: f(m.rowCheckedAt), value: time(status.checked_at, f(m.unknown))},
    ];
    return rows;
}

const styles: Record<string, React.CSSProperties> = {
    table: {borderCollapse: 'collapse', marginBottom: '12px'},
    th: {textAlign: 'left', fontWeight: 600, padding: '2px 16px 2px 0', verticalAlign: 'top'},
    td: {padding: '2px 16px 2px 0', wordBreak: 'break-word', whiteSpace: 'pre-wrap'},
    caption: {textAlign: 'left', fontWeight: 600, padding: '4px 0', captionSide: 'top'},
};

export function StatusTable({status}: {status: PluginStatus}) {
    const intl = useIntl();
    return (
        <table
            aria-label={intl.formatMessage(m.tableLabel)}
            style={styles.table}
        >
            <tbody>
                {statusRows(intl, status).map((row) => (
                    <tr key={row.label}>
                        <th
                            scope='row'
                            style={styles.th}
                        >
                            {row.label}
                        </th>
                        <td style={styles.td}>{row.value}</td>
                    </tr>
                ))}
            </tbody>
        </table>
    );
}

function validApps(apps: unknown): InstalledAppStatus[] {
    if (!Array.isArray(apps)) {
        return [];
    }
    return apps.filter((a): a is InstalledAppStatus => Boolean(a) && typeof a === 'object' && typeof (a as InstalledAppStatus).app_id === 'string');
}

export function InstalledAppsTable({apps}: {apps: unknown}) {
    const intl = useIntl();
    const list = validApps(apps);
    if (list.length === 0) {
        return <p>{intl.formatMessage(m.installedNone)}</p>;
    }
    return (
        <table style={styles.table}>
            <caption style={styles.caption}>{intl.formatMessage(m.installedTitle)}</caption>
            <thead>
                <tr>
                    <th
                        scope='col'
                        style={styles.th}
                    >
                        {intl.formatMessage(m.colApp)}
                    </th>
                    <th
                        scope='col'
                        style={styles.th}
                    >
                        {intl.formatMessage(m.colVersion)}
                    </th>
                    <th
                        scope='col'
                        style={styles.th}
                    >
                        {intl.formatMessage(m.colState)}
                    </th>
                </tr>
            </thead>
            <tbody>
                {list.map((app) => (
                    <tr key={app.app_id}>
                        <td style={styles.td}>{app.app_id}</td>
                        <td style={styles.td}>{text(app.version, '–')}</td>
                        <td style={styles.td}>{yesNo(intl, app.enabled, intl.formatMessage(m.enabled), intl.formatMessage(m.disabled))}</td>
                    </tr>
                ))}
            </tbody>
        </table>
    );
}
