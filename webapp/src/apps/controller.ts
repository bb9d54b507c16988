// Runs app calls for clicks and form submissions and turns each response
// into UI: `ok` text becomes a notice, `error` an error notice (or inline
// field errors in a form), `form` opens the dialog, `navigate` follows the
// link. Nothing here throws: every failure ends up in front of the user.
import {appText, messageText} from '../i18n/ui_text';
import type {UIText} from '../i18n/ui_text';
import {appMessages} from '../i18n/messages';

import type {NavigateOutcome} from './navigate';
import {fieldErrors, parseOption} from './parse';
import type {AppBinding, Call, CallContext, CallRequest, CallResponse, Field, Form, SelectOption} from './types';
import type {UIStore} from './ui_store';

export interface ControllerDeps {
    call(request: CallRequest): Promise<CallResponse>;
    ui: UIStore;
    navigate(url: string, external: boolean): NavigateOutcome;
    refreshBindings(): void;
}

// Where a binding was clicked.
export interface Where {
    channelId: string;
    teamId: string;
    postId?: string;
    rootPostId?: string;
}

export type SubmitOutcome =
    | {kind: 'done'}
    | {kind: 'error'; text?: UIText; fieldErrors: Record<string, string>};

// What a refresh call asks of the open form: show a new form, show an
// error, or nothing (any other answer).
export type RefreshOutcome =
    | {kind: 'form'; form: Form}
    | {kind: 'error'; text?: UIText; fieldErrors: Record<string, string>}
    | {kind: 'unchanged'};

function errorMessage(err: unknown): string {
    if (err instanceof Error && err.message) {
        return err.message;
    }
    return String(err);
}

export function callContext(binding: AppBinding, where: Where): CallContext {
    const context: CallContext = {
        app_id: binding.appId,
        location: binding.location,
        channel_id: where.channelId,
        team_id: where.teamId,
        user_agent: 'webapp',
    };
    if (where.postId) {
        context.post_id = where.postId;
        context.root_post_id = where.rootPostId || where.postId;
    }
    return context;
}

function request(call: Call, context: CallContext, values?: Record<string, unknown>): CallRequest {
    const req: CallRequest = {path: call.path, context};
    if (call.expand) {
        req.expand = call.expand;
    }
    if (call.state !== undefined) {
        req.state = call.state;
    }
    if (values) {
        req.values = values;
    }
    return req;
}

// An error answer to a form's call: its field errors, and its text (or a
// default text when there are no field errors either).
function errorOutcome(response: CallResponse): {kind: 'error'; text?: UIText; fieldErrors: Record<string, string>} {
    const errors = fieldErrors(response.data);
    const text = response.text ? appText(response.text) : undefined;
    return {kind: 'error', text: text ?? (Object.keys(errors).length ? undefined : messageText(appMessages.appError)), fieldErrors: errors};
}

export class AppsController {
    constructor(private deps: ControllerDeps) {}

    // A click on a channel-header button or a post-menu item.
    async invoke(binding: AppBinding, where: Where): Promise<void> {
        const context = callContext(binding, where);
        const form = binding.form;
        if (form && (form.fields.length > 0 || !form.source)) {
            this.deps.ui.openForm(form, context);
            return;
        }
        const call = form?.source ?? binding.submit;
        if (!call) {
            return;
        }
        const response = await this.send(request(call, context), context.app_id);
        if (response) {
            this.show(response, context);
        }
    }

    // Submits the open form. The dialog shows the returned field errors;
    // every other answer closes or replaces it.
    async submit(dialogId: number, form: Form, context: CallContext, values: Record<string, unknown>): Promise<SubmitOutcome> {
        if (!form.submit) {
            return {kind: 'error', text: messageText(appMessages.noSubmit), fieldErrors: {}};
        }
        let response: CallResponse;
        try {
            response = await this.deps.call(request(form.submit, context, values));
        } catch (err) {
            return {kind: 'error', text: messageText(appMessages.callFailed, {error: errorMessage(err)}), fieldErrors: {}};
        }
        if (response.type === 'error') {
            if (response.refresh_bindings) {
                this.deps.refreshBindings();
            }
            return errorOutcome(response);
        }
        if (response.type !== 'form') {
            this.deps.ui.closeForm(dialogId);
        }
        this.show(response, context);
        return {kind: 'done'};
    }

    // A field with `refresh` changed: asks the form's source call for an
    // updated form, with the current values and the changed field as
    // selected_field. Never the submit call, which an app would take for a
    // submission: without a source nothing is refreshed. The dialog stays
    // open whatever the answer; only a form or an error changes what it shows.
    async refresh(form: Form, context: CallContext, fieldName: string, values: Record<string, unknown>): Promise<RefreshOutcome> {
        const call = form.source;
        if (!call) {
            return {kind: 'unchanged'};
        }
        const req = request(call, context, values);
        req.selected_field = fieldName;
        let response: CallResponse;
        try {
            response = await this.deps.call(req);
        } catch (err) {
            return {kind: 'error', text: messageText(appMessages.callFailed, {error: errorMessage(err)}), fieldErrors: {}};
        }
        if (response.refresh_bindings) {
            this.deps.refreshBindings();
        }
        if (response.type === 'error') {
            return errorOutcome(response);
        }
        if (response.type === 'form' && response.form) {
            return {kind: 'form', form: response.form};
        }
        return {kind: 'unchanged'};
    }

    // Choices of a dynamic_select field from its lookup call: the app answers
    // {"type":"ok","data":{"items":[{"label","value"}]}}.
    async lookup(field: Field, context: CallContext, values: Record<string, unknown>, query: string, signal?: AbortSignal): Promise<SelectOption[]> {
        if (!field.lookup) {
            return field.options.filter((o) => o.label.toLowerCase().includes(query.toLowerCase()));
        }
        const req = request(field.lookup, context, values);
        req.selected_field = field.name;
        req.query = query;
        const response = await this.deps.call(req);
        if (signal?.aborted) {
            return [];
        }
        if (response.type !== 'ok') {
            throw new Error(response.text || 'the app returned an error');
        }
        const items = response.data && typeof response.data === 'object' ? (response.data as {items?: unknown}).items : undefined;
        if (!Array.isArray(items)) {
            return [];
        }
        return items.map(parseOption).filter((o): o is SelectOption => o !== null);
    }

    private async send(req: CallRequest, appId: string): Promise<CallResponse | undefined> {
        try {
            return await this.deps.call(req);
        } catch (err) {
            this.error(appId, messageText(appMessages.callFailed, {error: errorMessage(err)}));
            return undefined;
        }
    }

    private error(appId: string, text: UIText) {
        this.deps.ui.notify({kind: 'error', appId, text, markdown: text.kind === 'app'});
    }

    private show(response: CallResponse, context: CallContext) {
        const appId = context.app_id;
        if (response.refresh_bindings) {
            this.deps.refreshBindings();
        }
        switch (response.type) {
        case 'ok':
            if (response.text.trim()) {
                this.deps.ui.notify({kind: 'info', appId, text: appText(response.text), markdown: true});
            }
            return;
        case 'error':
            this.error(appId, response.text ? appText(response.text) : messageText(appMessages.appError));
            return;
        case 'form':
            if (response.form) {
                this.deps.ui.openForm(response.form, context);
            }
            return;
        case 'navigate': {
            const outcome = this.deps.navigate(response.navigate_to_url, response.use_external_browser);
            if (outcome === 'invalid') {
                this.error(appId, messageText(appMessages.badNavigate, {url: response.navigate_to_url}));
            } else if (outcome === 'blocked') {
                this.error(appId, messageText(appMessages.popupBlocked, {url: response.navigate_to_url}));
            }
        }
        }
    }
}
