// The parts of the Apps call protocol (the Mattermost Apps framework v1.2) that the webapp speaks.
// Everything that arrives from the server goes through ./parse.ts first, so
// these types describe clean values, never raw JSON.

export type Expand = Record<string, string>;

// A Call names a path of the app plus what the server should expand.
export interface Call {
    path: string;
    expand?: Expand;
    state?: unknown;
}

export interface SelectOption {
    label: string;
    value: string;
}

export const FIELD_TYPES = ['text', 'static_select', 'dynamic_select', 'bool', 'user', 'channel', 'markdown'] as const;
export type FieldType = typeof FIELD_TYPES[number];

export const TEXT_SUBTYPES = ['input', 'textarea', 'number', 'email', 'tel', 'url', 'password'] as const;
export type TextSubtype = typeof TEXT_SUBTYPES[number];

export interface Field {
    name: string;
    type: FieldType;
    is_required: boolean;
    readonly: boolean;
    value?: unknown;
    description: string;
    label: string;
    modal_label: string;
    hint: string;
    options: SelectOption[];
    subtype: TextSubtype;
    min_length?: number;
    max_length?: number;

    // Call used to fill a dynamic_select; the form's submit call otherwise.
    lookup?: Call;

    // Select fields only: the user may pick several options, sent as an
    // array of {"label","value"}.
    multiselect?: boolean;

    // A change of this field's value asks the app for an updated form
    // (the form's source call, else its submit call, with selected_field).
    refresh?: boolean;
}

export interface Form {
    title: string;
    header: string;
    footer: string;
    icon: string;
    submit?: Call;

    // A form may come without fields and name the call that returns it.
    source?: Call;
    fields: Field[];

    // Name of a static_select field whose options are the form's submit
    // buttons (that field is not shown as an input).
    submit_buttons?: string;
}

// The user-agent part of a call's context.
export interface CallContext {
    app_id: string;
    location: string;
    channel_id: string;
    team_id: string;
    post_id?: string;
    root_post_id?: string;
    user_agent: 'webapp';
}

export interface CallRequest {
    path: string;
    expand?: Expand;
    state?: unknown;
    values?: Record<string, unknown>;
    context: CallContext;
    selected_field?: string;
    query?: string;
}

export type CallResponseType = 'ok' | 'error' | 'form' | 'navigate';

export interface CallResponse {
    type: CallResponseType;
    text: string;
    data?: unknown;
    form?: Form;
    navigate_to_url: string;
    use_external_browser: boolean;
    refresh_bindings: boolean;
}

// The webapp locations this plugin renders; `/command` bindings are served
// by the server's slash commands and `/in_post` bindings by the server's
// message attachments, so both are ignored here.
export type BindingKind = 'channel_header' | 'post_menu' | 'app_bar';

// A binding the user can click: a leaf of the server's binding tree.
export interface AppBinding {
    // Unique per kind: app id and fully qualified location.
    key: string;
    kind: BindingKind;
    appId: string;

    // Fully qualified, e.g. /channel_header/send; sent as context.location.
    location: string;
    label: string;

    // Safe to put in <img src>, or empty.
    icon: string;
    hint: string;
    description: string;
    submit?: Call;
    form?: Form;
}

export interface ParsedBindings {
    channelHeader: AppBinding[];
    postMenu: AppBinding[];
    appBar: AppBinding[];
}
