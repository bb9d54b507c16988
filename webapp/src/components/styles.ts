// Styles of the plugin's own UI (notices and the form dialog). They use the
// Mattermost theme's CSS variables, with fallbacks for pages without them.
// Every class is prefixed with lambda-apps- so nothing leaks into the host.
export const appsCSS = `
.lambda-apps-notices {
    position: fixed; right: 16px; bottom: 16px; z-index: 10000;
    display: flex; flex-direction: column; gap: 8px; max-width: min(420px, calc(100vw - 32px));
}
.lambda-apps-notice {
    display: flex; gap: 8px; align-items: flex-start; padding: 10px 12px; border-radius: 4px;
    background: var(--center-channel-bg, #fff); color: var(--center-channel-color, #3f4350);
    border: 1px solid rgba(63, 67, 80, 0.16); border-left: 4px solid var(--button-bg, #1c58d9);
    box-shadow: 0 4px 12px rgba(0, 0, 0, 0.12); font-size: 14px; line-height: 20px;
}
.lambda-apps-notice--error { border-left-color: var(--error-text, #d24b4e); }
.lambda-apps-notice__body { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.lambda-apps-notice__from { font-size: 12px; opacity: 0.72; margin-bottom: 2px; }
.lambda-apps-icon-button {
    border: 0; background: transparent; color: inherit; cursor: pointer; font-size: 18px; line-height: 18px;
    padding: 2px 6px; border-radius: 4px;
}
.lambda-apps-icon-button:hover { background: rgba(63, 67, 80, 0.08); }
.lambda-apps-backdrop {
    position: fixed; inset: 0; z-index: 10001; background: rgba(0, 0, 0, 0.5);
    display: flex; align-items: flex-start; justify-content: center; overflow-y: auto; padding: 48px 16px;
}
.lambda-apps-dialog {
    width: 100%; max-width: 600px; border-radius: 8px; background: var(--center-channel-bg, #fff);
    color: var(--center-channel-color, #3f4350); box-shadow: 0 20px 32px rgba(0, 0, 0, 0.12); font-size: 14px;
}
.lambda-apps-dialog:focus { outline: none; }
.lambda-apps-dialog__head { display: flex; align-items: center; gap: 8px; padding: 20px 24px 8px; }
.lambda-apps-dialog__head h2 { flex: 1; margin: 0; font-size: 20px; line-height: 28px; font-weight: 600; }
.lambda-apps-dialog__head img { width: 28px; height: 28px; object-fit: contain; }
.lambda-apps-dialog__body { padding: 8px 24px; }
.lambda-apps-dialog__actions { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 24px 20px; }
.lambda-apps-field { margin-bottom: 16px; }
.lambda-apps-field label, .lambda-apps-field__label { display: block; font-weight: 600; margin-bottom: 4px; }
.lambda-apps-field input[type=text], .lambda-apps-field input[type=number], .lambda-apps-field input[type=email],
.lambda-apps-field input[type=tel], .lambda-apps-field input[type=url], .lambda-apps-field input[type=password],
.lambda-apps-field input[type=search], .lambda-apps-field textarea, .lambda-apps-field select {
    display: block; width: 100%; box-sizing: border-box; padding: 6px 10px; font: inherit; border-radius: 4px;
    border: 1px solid rgba(63, 67, 80, 0.32); background: var(--center-channel-bg, #fff); color: inherit;
}
.lambda-apps-field textarea { min-height: 80px; resize: vertical; }
.lambda-apps-field [aria-invalid=true] { border-color: var(--error-text, #d24b4e); }
.lambda-apps-field input[type=search] { margin-bottom: 4px; }
.lambda-apps-field__check { display: flex; align-items: center; gap: 8px; font-weight: 600; }
.lambda-apps-field__check input { margin: 0; }
.lambda-apps-field__help { font-size: 12px; opacity: 0.72; margin-top: 4px; }
.lambda-apps-field__error, .lambda-apps-form-error { color: var(--error-text, #d24b4e); margin-top: 4px; }
.lambda-apps-form-error { margin: 0 0 12px; }
.lambda-apps-required { color: var(--error-text, #d24b4e); margin-left: 2px; }
.lambda-apps-button {
    font: inherit; font-weight: 600; padding: 8px 16px; border-radius: 4px; cursor: pointer;
    border: 1px solid var(--button-bg, #1c58d9); background: transparent; color: var(--button-bg, #1c58d9);
}
.lambda-apps-button--primary { background: var(--button-bg, #1c58d9); color: var(--button-color, #fff); }
.lambda-apps-button:disabled { opacity: 0.6; cursor: default; }
.lambda-apps-button:focus-visible, .lambda-apps-icon-button:focus-visible, .lambda-apps-field :focus-visible {
    outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 1px;
}
.lambda-apps-dialog__status { flex: 1; align-self: center; font-size: 12px; opacity: 0.72; }
.lambda-apps-chips { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0 0 4px; padding: 0; }
.lambda-apps-chip {
    display: inline-flex; align-items: center; gap: 2px; padding: 2px 2px 2px 8px; border-radius: 12px;
    background: rgba(63, 67, 80, 0.08); line-height: 20px;
}
.lambda-apps-chip .lambda-apps-icon-button { font-size: 16px; line-height: 16px; padding: 2px 4px; border-radius: 10px; }
.lambda-apps-multi__add { display: flex; gap: 8px; align-items: center; }
.lambda-apps-multi__add select { flex: 1; }
.lambda-apps-multi__add .lambda-apps-button { padding: 5px 12px; }
.lambda-apps-sr-only {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
.lambda-apps-markdown { white-space: pre-wrap; }
.lambda-apps-markdown--host { white-space: normal; }
`;
