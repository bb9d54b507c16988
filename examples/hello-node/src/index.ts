// Hello Node: a sample Mattermost App in TypeScript for AWS Lambda
// (runtime nodejs22.x, handler dist/index.handler). It binds the slash
// command /hello-node with three sub-commands:
//
//   remember  opens a form with a text field (or takes --note) and keeps the
//             note in the Apps KV store, one per user
//   recall    answers the note kept for you
//   forget    deletes it
//
// The KV store is reached through the original framework's URLs with the
// bot's access token (see kv.ts).

import {
    type CallRequest, type CallResponse, type Binding, type Form, type LambdaEvent, type LambdaResult,
    fail, ok,
} from './apps';
import {KV, KVError} from './kv';

const APP_ID = 'hello-node';
const MAX_NOTE = 1000;
const expandUser = {acting_user: 'summary'};

/** The note kept for a user. */
interface Note {
    note: string;
    saved_at: string;
}

type Route = (req: CallRequest) => Promise<CallResponse> | CallResponse;

const routes: Record<string, Route> = {
    '/ping': () => ok(),
    '/bindings': bindings,
    '/remember': remember,
    '/recall': recall,
    '/forget': forget,
};

function bindings(): CallResponse {
    const commands: Binding[] = [{
        location: '/command',
        bindings: [{
            label: APP_ID,
            description: 'Hello Node: remember a note',
            icon: 'icon.png',
            bindings: [
                {
                    label: 'remember',
                    description: 'Remember a note (opens a form without --note)',
                    // Not required here, so that "/hello-node remember" alone reaches the
                    // app, which answers the form (where the note is required).
                    form: {fields: [noteField(false)], submit: {path: '/remember', expand: expandUser}},
                },
                {label: 'recall', description: 'Show the note remembered for you', submit: {path: '/recall', expand: expandUser}},
                {label: 'forget', description: 'Forget your note', submit: {path: '/forget', expand: expandUser}},
            ],
        }],
    }];
    return ok(undefined, commands);
}

function noteField(required: boolean) {
    return {
        name: 'note', type: 'text' as const, label: 'note', modal_label: 'Note', hint: 'What should I remember?',
        subtype: 'textarea' as const, is_required: required, max_length: MAX_NOTE,
    };
}

function rememberForm(): Form {
    return {
        title: 'Remember a note',
        header: 'Hello Node keeps one note per user in the Apps KV store.',
        icon: 'icon.png',
        fields: [noteField(true)],
        submit: {path: '/remember', expand: expandUser},
    };
}

// noteKey is the KV key of the acting user's note.
function noteKey(req: CallRequest): string | undefined {
    const id = req.context?.acting_user?.id || req.context?.user_id;
    return id ? 'note-' + id : undefined;
}

async function remember(req: CallRequest): Promise<CallResponse> {
    const raw = req.values?.note;
    const note = typeof raw === 'string' ? raw.trim() : '';
    if (note === '') {
        return {type: 'form', form: rememberForm()};
    }
    if (note.length > MAX_NOTE) {
        return fail(`The note is ${note.length} characters long; at most ${MAX_NOTE}.`, {note: `At most ${MAX_NOTE} characters.`});
    }
    const key = noteKey(req);
    if (!key) {
        return fail('The call does not say who you are (no acting user).');
    }
    const value: Note = {note, saved_at: new Date().toISOString()};
    const changed = await new KV(req.context).set(key, value);
    return ok(`Remembered: "${note}"${changed ? '' : ' (unchanged)'}. Use \`/${APP_ID} recall\` to see it again.`);
}

async function recall(req: CallRequest): Promise<CallResponse> {
    const key = noteKey(req);
    if (!key) {
        return fail('The call does not say who you are (no acting user).');
    }
    const stored = await new KV(req.context).get<Note>(key);
    if (!('note' in stored) || typeof stored.note !== 'string') {
        return ok(`I remember nothing for you yet. Try \`/${APP_ID} remember\`.`);
    }
    return ok(`You asked me to remember: "${stored.note}" (saved ${stored.saved_at}).`);
}

async function forget(req: CallRequest): Promise<CallResponse> {
    const key = noteKey(req);
    if (!key) {
        return fail('The call does not say who you are (no acting user).');
    }
    await new KV(req.context).delete(key);
    return ok('Forgotten.');
}

function reply(statusCode: number, resp: CallResponse): LambdaResult {
    return {statusCode, headers: {'Content-Type': 'application/json'}, body: JSON.stringify(resp)};
}

/** The Lambda handler. */
export async function handler(event: LambdaEvent): Promise<LambdaResult> {
    let req: CallRequest;
    try {
        const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
        req = JSON.parse(body) as CallRequest;
        if (req === null || typeof req !== 'object') {
            throw new Error('not a JSON object');
        }
    } catch (err) {
        return reply(400, fail(`The body is not a CallRequest: ${(err as Error).message}`));
    }
    const path = event.path || req.path || '';
    const route = routes[path];
    if (!route) {
        return reply(404, fail(`${path} is not a path of this app`));
    }
    console.log(`call ${path} from user ${JSON.stringify(req.context?.acting_user?.id ?? req.context?.user_id ?? '')}`);
    try {
        return reply(200, await route(req));
    } catch (err) {
        if (err instanceof KVError) {
            console.error(err.message);
            return reply(200, fail(`Hello Node could not use the KV store: ${err.message}`));
        }
        throw err;
    }
}
