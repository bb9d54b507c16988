// Defensive parsing of what the server sends. The server already cleans
// bindings and forms, but the webapp must never throw on a malformed value:
// anything that does not fit is dropped (or given a safe default) here.
import {isObject, nonNegativeInt, str, trimmed} from './parse_json';
import {FIELD_TYPES, TEXT_SUBTYPES} from './types';
import type {
    AppBinding,
    BindingKind,
    Call,
    CallResponse,
    Expand,
    Field,
    FieldType,
    Form,
    ParsedBindings,
    SelectOption,
    TextSubtype,
} from './types';
import {safeImageURL} from './urls';

function parseExpand(value: unknown): Expand | undefined {
    if (!isObject(value)) {
        return undefined;
    }
    const expand: Expand = {};
    for (const [key, level] of Object.entries(value)) {
        if (typeof level === 'string') {
            expand[key] = level;
        }
    }
    return Object.keys(expand).length ? expand : undefined;
}

// A Call is a path string or {"path","expand","state"}; no path, no call.
export function parseCall(value: unknown): Call | undefined {
    if (typeof value === 'string') {
        return value.trim() ? {path: value.trim()} : undefined;
    }
    if (!isObject(value)) {
        return undefined;
    }
    const path = trimmed(value.path);
    if (!path) {
        return undefined;
    }
    const call: Call = {path};
    const expand = parseExpand(value.expand);
    if (expand) {
        call.expand = expand;
    }
    if (value.state !== undefined && value.state !== null) {
        call.state = value.state;
    }
    return call;
}

export function parseOption(value: unknown): SelectOption | null {
    if (!isObject(value)) {
        return null;
    }
    const optionValue = typeof value.value === 'number' || typeof value.value === 'boolean' ? String(value.value) : str(value.value);
    const label = str(value.label) || optionValue;
    if (!optionValue && !label) {
        return null;
    }
    return {label, value: optionValue || label};
}

function parseOptions(value: unknown): SelectOption[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const seen = new Set<string>();
    const options: SelectOption[] = [];
    for (const item of value) {
        const option = parseOption(item);
        if (option && !seen.has(option.value)) {
            seen.add(option.value);
            options.push(option);
        }
    }
    return options;
}

const SELECT_TYPES = ['static_select', 'dynamic_select', 'user', 'channel'];

export function parseField(value: unknown): Field | null {
    if (!isObject(value)) {
        return null;
    }
    const name = trimmed(value.name);
    const type = trimmed(value.type) || 'text';
    if (!name || !(FIELD_TYPES as readonly string[]).includes(type)) {
        return null;
    }
    const subtype = trimmed(value.subtype);
    const field: Field = {
        name,
        type: type as FieldType,
        is_required: value.is_required === true,
        readonly: value.readonly === true,
        value: value.value ?? undefined,
        description: str(value.description),
        label: trimmed(value.label),
        modal_label: trimmed(value.modal_label),
        hint: str(value.hint),
        options: parseOptions(value.options),
        subtype: (TEXT_SUBTYPES as readonly string[]).includes(subtype) ? subtype as TextSubtype : 'input',
        min_length: nonNegativeInt(value.min_length),
        max_length: nonNegativeInt(value.max_length),
        lookup: parseCall(value.lookup),
        multiselect: value.multiselect === true && SELECT_TYPES.includes(type),
        refresh: value.refresh === true,
    };
    if (field.max_length === 0) {
        field.max_length = undefined;
    }
    return field;
}

// submit_buttons must name a static_select field with options; otherwise
// the form keeps its single Submit button and shows that field as usual.
// A button sends one option, so that field is never a multiselect.
function submitButtons(value: unknown, fields: Field[]): string | undefined {
    const field = fields.find((f) => f.name === trimmed(value));
    if (!field || field.type !== 'static_select' || field.options.length === 0) {
        return undefined;
    }
    field.multiselect = false;
    return field.name;
}

export function parseForm(value: unknown): Form | undefined {
    if (!isObject(value)) {
        return undefined;
    }
    const fields: Field[] = [];
    const names = new Set<string>();
    if (Array.isArray(value.fields)) {
        for (const item of value.fields) {
            const field = parseField(item);

            // Values are keyed by name: a second field with the same name
            // would silently overwrite the first.
            if (field && !names.has(field.name)) {
                names.add(field.name);
                fields.push(field);
            }
        }
    }
    return {
        title: trimmed(value.title),
        header: str(value.header),
        footer: str(value.footer),
        icon: safeImageURL(value.icon),
        submit: parseCall(value.submit),
        source: parseCall(value.source),
        fields,
        submit_buttons: submitButtons(value.submit_buttons, fields),
    };
}

const RESPONSE_TYPES = ['ok', 'error', 'form', 'navigate'];

// Turns any answer of POST /call into a CallResponse. An unknown type or a
// form response without a form becomes an error, so callers handle exactly
// four cases.
export function parseCallResponse(value: unknown): CallResponse {
    const base: CallResponse = {type: 'ok', text: '', navigate_to_url: '', use_external_browser: false, refresh_bindings: false};
    if (!isObject(value)) {
        return {...base, type: 'error', text: ''};
    }
    const type = trimmed(value.type) || 'ok';
    const response: CallResponse = {
        ...base,
        text: str(value.text),
        data: value.data,
        navigate_to_url: trimmed(value.navigate_to_url),
        use_external_browser: value.use_external_browser === true,
        refresh_bindings: value.refresh_bindings === true,
    };
    if (!RESPONSE_TYPES.includes(type)) {
        return {...response, type: 'error', text: `The app answered with an unsupported response type "${type}".`};
    }
    response.type = type as CallResponse['type'];
    if (type === 'error' && !response.text && typeof value.error === 'string') {
        // The plugin's own JSON errors are {"error": "..."}.
        response.text = value.error;
    }
    if (type === 'form') {
        response.form = parseForm(value.form);
        if (!response.form) {
            return {...response, type: 'error', text: 'The app answered with a form response that has no form.'};
        }
    }
    if (type === 'navigate' && !response.navigate_to_url) {
        return {...response, type: 'error', text: 'The app answered with a navigate response that has no URL.'};
    }
    return response;
}

// Field errors of an error response: data.errors as {"field": "message"}.
export function fieldErrors(data: unknown): Record<string, string> {
    const errors: Record<string, string> = {};
    if (!isObject(data) || !isObject(data.errors)) {
        return errors;
    }
    for (const [name, message] of Object.entries(data.errors)) {
        if (typeof message === 'string' && message.trim()) {
            errors[name] = message;
        }
    }
    return errors;
}

const KINDS: Record<string, BindingKind> = {
    '/channel_header': 'channel_header',
    '/post_menu': 'post_menu',
    '/app_bar': 'app_bar',
};

function qualify(parent: string, location: string): string {
    const clean = location.replace(/^\/+|\/+$/g, '');
    if (location.startsWith(`${parent}/`)) {
        return location;
    }
    return `${parent}/${clean}`;
}

const MAX_DEPTH = 4;

// Leaves of one location's tree. A binding with sub-bindings and no call of
// its own is a sub-menu: its leaves are flattened into "Parent › Child".
function collectLeaves(kind: BindingKind, value: unknown, parent: {location: string; label: string; appId: string}, depth: number, out: AppBinding[]) {
    if (!isObject(value) || depth > MAX_DEPTH) {
        return;
    }
    const appId = trimmed(value.app_id) || parent.appId;
    const ownLabel = trimmed(value.label);
    const locationPart = trimmed(value.location) || ownLabel;
    if (!locationPart) {
        return;
    }
    const location = qualify(parent.location, locationPart);
    const label = parent.label && ownLabel ? `${parent.label} › ${ownLabel}` : ownLabel;
    const submit = parseCall(value.submit);
    const form = value.form === undefined || value.form === null ? undefined : parseForm(value.form);

    if (!submit && !form && Array.isArray(value.bindings)) {
        for (const child of value.bindings) {
            collectLeaves(kind, child, {location, label, appId}, depth + 1, out);
        }
        return;
    }
    if (!appId || !label || (!submit && !(form && (form.submit || form.source)))) {
        return;
    }
    out.push({
        key: `${appId}\u0000${location}`,
        kind,
        appId,
        location,
        label,
        icon: safeImageURL(value.icon),
        hint: trimmed(value.hint),
        description: trimmed(value.description),
        submit,
        form,
    });
}

// Splits GET /bindings into the webapp locations. Never throws.
export function parseBindings(body: unknown): ParsedBindings {
    const result: ParsedBindings = {channelHeader: [], postMenu: [], appBar: []};
    const data = isObject(body) ? body.data : undefined;
    if (!Array.isArray(data)) {
        return result;
    }
    for (const top of data) {
        if (!isObject(top)) {
            continue;
        }
        const location = `/${trimmed(top.location).replace(/^\/+|\/+$/g, '')}`;
        const kind = KINDS[location];
        if (!kind || !Array.isArray(top.bindings)) {
            continue;
        }
        const leaves: AppBinding[] = [];
        for (const binding of top.bindings) {
            collectLeaves(kind, binding, {location, label: '', appId: trimmed(top.app_id)}, 1, leaves);
        }
        const target = {channel_header: result.channelHeader, post_menu: result.postMenu, app_bar: result.appBar}[kind];
        for (const leaf of leaves) {
            if (!target.some((other) => other.key === leaf.key)) {
                target.push(leaf);
            }
        }
    }
    return result;
}
