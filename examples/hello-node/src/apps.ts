// The parts of the Mattermost Apps call protocol this app uses: what the
// plugin sends (an API Gateway v1-style Lambda event whose body is the
// CallRequest JSON) and what it expects back.

/** The Lambda event of a call. */
export interface LambdaEvent {
    path?: string;
    httpMethod?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
}

/** The Lambda result of a call: body is the CallResponse JSON. */
export interface LambdaResult {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

export interface Context {
    app_id?: string;
    location?: string;
    user_id?: string;
    channel_id?: string;
    team_id?: string;
    mattermost_site_url?: string;
    bot_user_id?: string;
    bot_access_token?: string;
    acting_user?: {id?: string; username?: string};
}

export interface CallRequest {
    path?: string;
    values?: Record<string, unknown>;
    context?: Context;
}

export interface Call {
    path: string;
    expand?: Record<string, string>;
}

export interface Field {
    name: string;
    type: 'text';
    label?: string;
    modal_label?: string;
    hint?: string;
    description?: string;
    subtype?: 'input' | 'textarea';
    is_required?: boolean;
    max_length?: number;
    position?: number;
    value?: string;
}

export interface Form {
    title?: string;
    header?: string;
    icon?: string;
    fields?: Field[];
    submit?: Call;
}

export interface Binding {
    location?: string;
    label?: string;
    icon?: string;
    description?: string;
    hint?: string;
    submit?: Call;
    form?: Form;
    bindings?: Binding[];
}

export type CallResponse =
    | {type: 'ok'; text?: string; data?: unknown}
    | {type: 'error'; text: string; data?: {errors?: Record<string, string>}}
    | {type: 'form'; form: Form};

export const ok = (text?: string, data?: unknown): CallResponse => ({type: 'ok', text, data});
export const fail = (text: string, errors?: Record<string, string>): CallResponse =>
    (errors ? {type: 'error', text, data: {errors}} : {type: 'error', text});
