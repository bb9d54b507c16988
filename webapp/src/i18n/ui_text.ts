// Text produced outside React (by the call controller) and rendered later:
// either words of an app (shown as they are) or one of our messages (shown in
// the user's language when rendered).
import type {IntlShape, MessageDescriptor} from 'react-intl';

export type TextValues = Record<string, string | number>;

export type UIText =
    | {kind: 'app'; text: string}
    | {kind: 'message'; descriptor: MessageDescriptor; values?: TextValues};

export function appText(text: string): UIText {
    return {kind: 'app', text};
}

export function messageText(descriptor: MessageDescriptor, values?: TextValues): UIText {
    return {kind: 'message', descriptor, values};
}

export function formatUIText(intl: IntlShape, text: UIText): string {
    if (text.kind === 'app') {
        return text.text;
    }
    return intl.formatMessage(text.descriptor, text.values);
}
