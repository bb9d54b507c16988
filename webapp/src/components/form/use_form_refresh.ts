import {useCallback, useEffect, useRef, useState} from 'react';

import type {RefreshOutcome} from '../../apps/controller';
import type {Field, Form} from '../../apps/types';
import {appMessages} from '../../i18n/messages';
import {messageText} from '../../i18n/ui_text';

import {requestValues} from './form_values';
import type {FieldValue, FormValues} from './form_values';

export type Refresh = (form: Form, fieldName: string, values: Record<string, unknown>) => Promise<RefreshOutcome>;

export interface FormRefresh {
    // A refresh call is running: the form must not be submitted.
    refreshing: boolean;

    // Call after a field's value changed (selects, checkboxes) or was
    // committed (text fields, on blur). Asks for a refresh when the field
    // has `refresh` and its value differs from the one last refreshed for
    // (or shown with the form).
    changed(form: Form, field: Field, values: FormValues): void;

    // A new form is shown with `values`: they are the new baseline, except
    // the ones kept from `previous` (what the user had entered), which keep
    // their old baseline: a text field changed but not yet left still asks
    // for a refresh when the user leaves it.
    reset(values: FormValues, previous: FormValues): void;
}

const key = (value: FieldValue | undefined) => JSON.stringify(value ?? null);
const keys = (values: FormValues) => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, key(value)]));

// Refresh calls of a form's `refresh` fields. Only the newest call counts:
// the answer of one that a newer call overtook is dropped, and `refreshing`
// stays on until the newest one answers.
export function useFormRefresh(initial: FormValues, onRefresh: Refresh | undefined, onOutcome: (outcome: RefreshOutcome) => void): FormRefresh {
    const [refreshing, setRefreshing] = useState(false);
    const latest = useRef(0);
    const mounted = useRef(true);
    const baseline = useRef<Record<string, string> | null>(null);
    if (baseline.current === null) {
        baseline.current = keys(initial);
    }
    const refreshRef = useRef(onRefresh);
    refreshRef.current = onRefresh;
    const outcomeRef = useRef(onOutcome);
    outcomeRef.current = onOutcome;

    useEffect(() => {
        mounted.current = true;
        return () => {
            mounted.current = false;
        };
    }, []);

    const changed = useCallback((form: Form, field: Field, values: FormValues) => {
        const seen = baseline.current as Record<string, string>;
        const now = key(values[field.name]);
        const call = refreshRef.current;
        if (!field.refresh || !call || seen[field.name] === now) {
            return;
        }
        seen[field.name] = now;
        latest.current++;
        const mine = latest.current;
        setRefreshing(true);
        const answer = (outcome: RefreshOutcome) => {
            if (mounted.current && mine === latest.current) {
                setRefreshing(false);
                outcomeRef.current(outcome);
            }
        };
        call(form, field.name, requestValues(form, values)).then(answer, (err: unknown) => answer({
            kind: 'error',
            text: messageText(appMessages.callFailed, {error: err instanceof Error ? err.message : String(err)}),
            fieldErrors: {},
        }));
    }, []);

    const reset = useCallback((values: FormValues, previous: FormValues) => {
        const old = baseline.current as Record<string, string>;
        const next = keys(values);
        for (const name of Object.keys(next)) {
            if (values[name] === previous[name] && name in old) {
                next[name] = old[name];
            }
        }
        baseline.current = next;
    }, []);

    return {refreshing, changed, reset};
}
