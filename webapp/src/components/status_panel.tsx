import React, {useCallback, useEffect, useRef, useState} from 'react';

import {getStatus} from '../client';
import type {PluginStatus} from '../client';

type LoadState =
    | {kind: 'loading'; previous?: PluginStatus}
    | {kind: 'ok'; status: PluginStatus}
    | {kind: 'error'; message: string};

interface Row {
    label: string;
    value: string;
}

// Go marshals a zero time.Time as this; it means "never".
const ZERO_TIME_PREFIX = '0001-01-01';

function text(value: string | undefined, fallback: string): string {
    return value && value.trim() ? value : fallback;
}

function yesNo(value: boolean | undefined, yes: string, no: string): string {
    if (value === true) {
        return yes;
    }
    if (value === false) {
        return no;
    }
    return 'unknown';
}

// Only the known fields are shown, each turned into plain text: whatever else
// the server might send is never rendered.
export function statusRows(status: PluginStatus): Row[] {
    let bucketReachable = yesNo(status.bucket_reachable, 'yes', 'no');
    if (status.bucket_reachable === false && status.bucket_error) {
        bucketReachable = `no: ${status.bucket_error}`;
    }

    let catalogSize = 'unknown';
    if (typeof status.catalog_size === 'number' && Number.isFinite(status.catalog_size)) {
        catalogSize = `${status.catalog_size} ${status.catalog_size === 1 ? 'app' : 'apps'}`;
    }

    let lastSync = 'never';
    if (typeof status.last_sync === 'string' && status.last_sync && !status.last_sync.startsWith(ZERO_TIME_PREFIX)) {
        lastSync = status.last_sync;
    }

    return [
        {label: 'Plugin version', value: text(status.plugin_version, 'unknown')},
        {label: 'AWS credentials', value: yesNo(status.credentials_set, 'set', 'not set')},
        {label: 'AWS region', value: text(status.region, 'not configured')},
        {label: 'S3 bucket', value: text(status.bucket, 'not configured')},
        {label: 'Bucket reachable', value: bucketReachable},
        {label: 'Apps in catalog', value: catalogSize},
        {label: 'Last catalog sync', value: lastSync},
        {label: 'Last error', value: text(status.last_error, 'none')},
    ];
}

const styles: Record<string, React.CSSProperties> = {
    table: {borderCollapse: 'collapse', marginBottom: '8px'},
    th: {textAlign: 'left', fontWeight: 600, padding: '2px 16px 2px 0', verticalAlign: 'top'},
    td: {padding: '2px 0', wordBreak: 'break-word'},
    error: {color: 'var(--error-text, #d24b4e)', marginBottom: '8px'},
};

export function StatusTable({status}: {status: PluginStatus}) {
    return (
        <table
            aria-label='Lambda Apps status'
            style={styles.table}
        >
            <tbody>
                {statusRows(status).map((row) => (
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

// System Console custom setting ("Status" in plugin.json): a read-only view of
// GET /plugins/lambda-apps/api/v1/status with a Refresh button.
export default function StatusPanel() {
    const [state, setState] = useState<LoadState>({kind: 'loading'});
    const controller = useRef<AbortController | null>(null);

    const load = useCallback(() => {
        // A newer request supersedes an older one still in flight.
        controller.current?.abort();
        const current = new AbortController();
        controller.current = current;

        setState((prev) => ({kind: 'loading', previous: prev.kind === 'ok' ? prev.status : undefined}));
        getStatus({signal: current.signal}).then(
            (status) => {
                if (!current.signal.aborted) {
                    setState({kind: 'ok', status});
                }
            },
            (err: unknown) => {
                if (!current.signal.aborted) {
                    const message = err instanceof Error && err.message ? err.message : String(err);
                    setState({kind: 'error', message});
                }
            },
        );
    }, []);

    useEffect(() => {
        load();
        return () => controller.current?.abort();
    }, [load]);

    const loading = state.kind === 'loading';
    const shown = state.kind === 'ok' ? state.status : (state.kind === 'loading' ? state.previous : undefined);

    return (
        <div aria-busy={loading}>
            {loading && (
                <p role='status'>
                    {'Loading status…'}
                </p>
            )}
            {state.kind === 'error' && (
                <div
                    role='alert'
                    style={styles.error}
                >
                    {`Could not load the status. ${state.message}`}
                </div>
            )}
            {shown && <StatusTable status={shown}/>}
            <button
                type='button'
                className='btn btn-tertiary'
                onClick={load}
                disabled={loading}
            >
                {'Refresh'}
            </button>
        </div>
    );
}
